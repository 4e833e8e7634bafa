# Empty custom commands generated dependencies file for evt_completion.
# This may be replaced when dependencies are built.
