"""Every action a person can take, one function each, for the window and the command line alike."""
