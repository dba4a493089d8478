#ifndef PORTOLAN_CNCURSESW_SHIM_H
#define PORTOLAN_CNCURSESW_SHIM_H
// SwiftPM drops the -D flags of ncursesw.pc, so the wide-character API must be
// switched on here, before any system header is included.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif
#include <locale.h>
#include <wchar.h>
#include <signal.h>
#include <curses.h>
#include <langinfo.h>
#include <stdio.h>

// Macros Swift cannot import: expose them as functions so C evaluates the real values.
static inline attr_t ptl_attr_normal(void) { return A_NORMAL; }
static inline attr_t ptl_attr_bold(void) { return A_BOLD; }
static inline attr_t ptl_attr_dim(void) { return A_DIM; }
static inline attr_t ptl_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t ptl_attr_reverse(void) { return A_REVERSE; }
static inline attr_t ptl_attr_italic(void) { return A_ITALIC; }
static inline attr_t ptl_attr_standout(void) { return A_STANDOUT; }
static inline int ptl_key_f(int n) { return KEY_F(n); }
static inline int ptl_getmaxy(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)x; return y; }
static inline int ptl_getmaxx(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)y; return x; }
static inline chtype ptl_acs_hline(void) { return ACS_HLINE; }
static inline chtype ptl_acs_vline(void) { return ACS_VLINE; }
static inline chtype ptl_acs_ulcorner(void) { return ACS_ULCORNER; }
static inline chtype ptl_acs_urcorner(void) { return ACS_URCORNER; }
static inline chtype ptl_acs_llcorner(void) { return ACS_LLCORNER; }
static inline chtype ptl_acs_lrcorner(void) { return ACS_LRCORNER; }
static inline chtype ptl_acs_ltee(void) { return ACS_LTEE; }
static inline chtype ptl_acs_rtee(void) { return ACS_RTEE; }
static inline mmask_t ptl_all_mouse_events(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t ptl_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t ptl_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t ptl_button4_pressed(void) { return BUTTON4_PRESSED; }
#if NCURSES_MOUSE_VERSION > 1
static inline mmask_t ptl_button5_pressed(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t ptl_button5_pressed(void) { return 0; }
#endif
static inline WINDOW *ptl_stdscr(void) { return stdscr; }
static inline int ptl_colors(void) { return COLORS; }
static inline int ptl_color_pairs(void) { return COLOR_PAIRS; }
static inline mmask_t ptl_button1_released(void) { return BUTTON1_RELEASED; }
// A cell: up to CCHARW_MAX wide characters, attributes and an extended colour pair.
static inline int ptl_setcchar(cchar_t *c, const wchar_t *w, attr_t a, int pair) {
    return setcchar(c, w, a, (short)(pair < 32768 ? pair : 0), pair < 32768 ? NULL : &pair);
}
static inline int ptl_ccharw_max(void) { return CCHARW_MAX; }
// newterm on the process's own standard streams (stdin/stdout are macros or globals Swift 6 rejects).
static inline SCREEN *ptl_newterm_stdio(void) { return newterm(NULL, stdout, stdin); }
static inline const char *ptl_codeset(void) { return nl_langinfo(CODESET); }
// Whether the terminal has an alternate screen (smcup); without one, the screen is cleared on exit.
static inline int ptl_has_alt_screen(void) {
    char *s = tigetstr("smcup");
    return s != NULL && s != (char *)-1 && *s != 0;
}
#endif
