// Tests of the terminal-independent explorer (widgets, state transitions, screens).
