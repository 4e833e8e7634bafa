
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/dlq/cmd/evt/choices.cpp" "CMakeFiles/evt.dir/cmd/evt/choices.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/choices.cpp.o.d"
  "/work/wt/dlq/cmd/evt/cli.cpp" "CMakeFiles/evt.dir/cmd/evt/cli.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/cli.cpp.o.d"
  "/work/wt/dlq/cmd/evt/completion.cpp" "CMakeFiles/evt.dir/cmd/evt/completion.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/completion.cpp.o.d"
  "/work/wt/dlq/cmd/evt/config.cpp" "CMakeFiles/evt.dir/cmd/evt/config.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/config.cpp.o.d"
  "/work/wt/dlq/cmd/evt/consume.cpp" "CMakeFiles/evt.dir/cmd/evt/consume.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/consume.cpp.o.d"
  "/work/wt/dlq/cmd/evt/dlq.cpp" "CMakeFiles/evt.dir/cmd/evt/dlq.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/dlq.cpp.o.d"
  "/work/wt/dlq/cmd/evt/dlq_options.cpp" "CMakeFiles/evt.dir/cmd/evt/dlq_options.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/dlq_options.cpp.o.d"
  "/work/wt/dlq/cmd/evt/dlq_redrive.cpp" "CMakeFiles/evt.dir/cmd/evt/dlq_redrive.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/dlq_redrive.cpp.o.d"
  "/work/wt/dlq/cmd/evt/lag.cpp" "CMakeFiles/evt.dir/cmd/evt/lag.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/lag.cpp.o.d"
  "/work/wt/dlq/cmd/evt/main.cpp" "CMakeFiles/evt.dir/cmd/evt/main.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/main.cpp.o.d"
  "/work/wt/dlq/cmd/evt/partition_of.cpp" "CMakeFiles/evt.dir/cmd/evt/partition_of.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/partition_of.cpp.o.d"
  "/work/wt/dlq/cmd/evt/publish.cpp" "CMakeFiles/evt.dir/cmd/evt/publish.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/publish.cpp.o.d"
  "/work/wt/dlq/cmd/evt/replay.cpp" "CMakeFiles/evt.dir/cmd/evt/replay.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/replay.cpp.o.d"
  "/work/wt/dlq/cmd/evt/replay_capture.cpp" "CMakeFiles/evt.dir/cmd/evt/replay_capture.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/replay_capture.cpp.o.d"
  "/work/wt/dlq/cmd/evt/replay_options.cpp" "CMakeFiles/evt.dir/cmd/evt/replay_options.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/replay_options.cpp.o.d"
  "/work/wt/dlq/cmd/evt/replay_rewind.cpp" "CMakeFiles/evt.dir/cmd/evt/replay_rewind.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/replay_rewind.cpp.o.d"
  "/work/wt/dlq/cmd/evt/sandbox.cpp" "CMakeFiles/evt.dir/cmd/evt/sandbox.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/sandbox.cpp.o.d"
  "/work/wt/dlq/cmd/evt/schema.cpp" "CMakeFiles/evt.dir/cmd/evt/schema.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/schema.cpp.o.d"
  "/work/wt/dlq/cmd/evt/tail.cpp" "CMakeFiles/evt.dir/cmd/evt/tail.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/tail.cpp.o.d"
  "/work/wt/dlq/cmd/evt/topics.cpp" "CMakeFiles/evt.dir/cmd/evt/topics.cpp.o" "gcc" "CMakeFiles/evt.dir/cmd/evt/topics.cpp.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/dlq/brel/CMakeFiles/libevt.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
