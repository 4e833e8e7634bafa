# Warning flags as an INTERFACE target so third-party headers are not affected.
add_library(evt_warnings INTERFACE)
target_compile_options(evt_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough)
if(EVT_WARNINGS_AS_ERRORS)
  target_compile_options(evt_warnings INTERFACE -Werror)
endif()
