# Empty dependencies file for evt.
# This may be replaced when dependencies are built.
