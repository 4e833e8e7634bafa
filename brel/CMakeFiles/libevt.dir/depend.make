# Empty dependencies file for libevt.
# This may be replaced when dependencies are built.
