file(REMOVE_RECURSE
  "libevt.a"
)
