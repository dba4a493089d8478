// PortolanTUI: the terminal-independent explorer — cell buffer, widgets, app state, key bindings.
// It never imports a terminal library; PortolanNcurses draws its buffers.
