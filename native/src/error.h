/* error.h — thread-local error message of the last failure, and checked allocation.
 * Every failing internal function sets the message with err_set() (which returns the status code,
 * so `return err_set(SAM_ERR_IO, "...");` reads naturally) and the caller may prefix context. */
#ifndef SAM_ERROR_H
#define SAM_ERROR_H

#include <stddef.h>
#include "samtrain.h"

#define ERR_CAP 4096

/* Sets this thread's message (printf format) and returns code. Messages say what is wrong, where,
 * and end with "HINT: ..." telling the user what to do. */
int err_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prepends context ("while loading X: ") to the current message; returns code. */
int err_prefix(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *err_get(void);
void err_clear(void);

/* Checked allocation: on failure sets SAM_ERR_NOMEM naming what and where, returns NULL. */
void *err_malloc(size_t n, const char *what, const char *file, int line);
void *err_calloc(size_t count, size_t size, const char *what, const char *file, int line);
#define XMALLOC(n, what) err_malloc((n), (what), __FILE__, __LINE__)
#define XCALLOC(c, s, what) err_calloc((c), (s), (what), __FILE__, __LINE__)

/* Growable string for building multi-part messages (e.g. all adapter mismatches at once). */
typedef struct {
    char buf[ERR_CAP];
    size_t len;
    int truncated;
} strbuf;
void sb_init(strbuf *s);
void sb_printf(strbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Locale-independent number formatting/parsing (the JVM may set LC_NUMERIC to a comma locale). */
int fmt_c(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
double strtod_c(const char *s, char **end);

#endif
