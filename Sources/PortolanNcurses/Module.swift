// PortolanNcurses: the only module that talks to the terminal (through the CNcursesw shim).
