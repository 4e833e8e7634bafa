# evt lag: a test-only fixture that commits exact offsets for a group and
# produces records with known timestamps (deterministic where kcat -G is not).
add_executable(evt_commit_offsets ${CMAKE_CURRENT_SOURCE_DIR}/tools/commit_offsets.cpp)
target_link_libraries(evt_commit_offsets PRIVATE libevt evt_warnings)

file(GLOB EVT_LAG_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/integration/lag_*.sh)
foreach(script ${EVT_LAG_TESTS})
  get_filename_component(name ${script} NAME_WE)
  set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
               "EVT_COMMIT_OFFSETS=$<TARGET_FILE:evt_commit_offsets>")
endforeach()
