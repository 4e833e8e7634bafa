# Writes `EVT completion SHELL` to OUT; run by the build with cmake -P so the
# installed completion scripts come from the built binary's CLI definitions.
execute_process(COMMAND ${EVT} completion ${SHELL} OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "'${EVT} completion ${SHELL}' failed (${rc})")
endif()
file(RENAME ${OUT}.tmp ${OUT})
