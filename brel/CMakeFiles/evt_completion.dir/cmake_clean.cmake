file(REMOVE_RECURSE
  "CMakeFiles/evt_completion"
  "completion/_evt"
  "completion/evt"
  "completion/evt.fish"
)

# Per-language clean rules from dependency scanning.
foreach(lang )
  include(CMakeFiles/evt_completion.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
