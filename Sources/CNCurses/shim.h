#ifndef ROLEHOP_CNCURSES_SHIM_H
#define ROLEHOP_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <ncursesw/curses.h>
#include <locale.h>

// stdscr is a macro over a thread-local/global in some builds; Swift cannot import it reliably.
static inline WINDOW *rh_stdscr(void) { return stdscr; }
// getmaxyx is a macro that assigns to its arguments.
static inline void rh_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }
// A_* attributes are macros built from NCURSES_BITS, which Swift does not import.
static inline attr_t rh_a_bold(void) { return A_BOLD; }
static inline attr_t rh_a_reverse(void) { return A_REVERSE; }
static inline attr_t rh_a_underline(void) { return A_UNDERLINE; }
static inline attr_t rh_a_dim(void) { return A_DIM; }
static inline attr_t rh_a_normal(void) { return A_NORMAL; }
// COLOR_PAIR is a macro.
static inline attr_t rh_color_pair(int n) { return COLOR_PAIR(n); }
// KEY_RESIZE and friends are plain macros with values Swift sees, but ERR/OK are too; expose them as functions for clarity.
static inline int rh_err(void) { return ERR; }
// COLORS is a macro over a global variable in the wide build.
static inline int rh_colors(void) { return COLORS; }
#endif
