/* error.c — thread-local last-error message, checked allocation, C-locale number formatting. */
#include "error.h"

#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __APPLE__
#include <xlocale.h>
#endif

static _Thread_local char g_err[ERR_CAP];

int err_set(int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_err, sizeof g_err, fmt, ap);
    va_end(ap);
    return code;
}

int err_prefix(int code, const char *fmt, ...) {
    char pre[1024], old[ERR_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    memcpy(old, g_err, sizeof old);
    size_t n = strlen(pre);
    if (n >= sizeof g_err) n = sizeof g_err - 1;
    memcpy(g_err, pre, n);
    size_t m = strlen(old);
    if (m > sizeof g_err - 1 - n) m = sizeof g_err - 1 - n; /* the tail is truncated, not the context */
    memcpy(g_err + n, old, m);
    g_err[n + m] = 0;
    return code;
}

const char *err_get(void) { return g_err; }
void err_clear(void) { g_err[0] = 0; }

void *err_malloc(size_t n, const char *what, const char *file, int line) {
    void *p = malloc(n ? n : 1);
    if (!p)
        err_set(SAM_ERR_NOMEM, "out of memory allocating %zu bytes for %s (%s:%d). "
                "HINT: reduce max_batch/max_seq_len or max_context, or close other programs.",
                n, what, file, line);
    return p;
}

void *err_calloc(size_t count, size_t size, const char *what, const char *file, int line) {
    if (size && count > (size_t)-1 / size) {
        err_set(SAM_ERR_NOMEM, "allocation size overflow for %s (%s:%d). HINT: the sizes are too large.",
                what, file, line);
        return NULL;
    }
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        err_set(SAM_ERR_NOMEM, "out of memory allocating %zu bytes for %s (%s:%d). "
                "HINT: reduce max_batch/max_seq_len or max_context, or close other programs.",
                count * size, what, file, line);
    return p;
}

void sb_init(strbuf *s) { s->buf[0] = 0; s->len = 0; s->truncated = 0; }

void sb_printf(strbuf *s, const char *fmt, ...) {
    if (s->truncated) return;
    size_t room = sizeof s->buf - s->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->buf + s->len, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room) {
        s->truncated = 1;
        s->len = sizeof s->buf - 1;
        const char *more = " ...";
        memcpy(s->buf + sizeof s->buf - 1 - strlen(more), more, strlen(more));
        s->buf[sizeof s->buf - 1] = 0;
    } else {
        s->len += (size_t)n;
    }
}

static locale_t g_c_locale;
static pthread_once_t g_c_locale_once = PTHREAD_ONCE_INIT;
static void c_locale_init(void) { g_c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

int fmt_c(char *dst, size_t cap, const char *fmt, ...) {
    pthread_once(&g_c_locale_once, c_locale_init);
    locale_t old = g_c_locale ? uselocale(g_c_locale) : (locale_t)0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
    if (g_c_locale) uselocale(old);
    return n;
}

double strtod_c(const char *s, char **end) {
    pthread_once(&g_c_locale_once, c_locale_init);
    if (g_c_locale) return strtod_l(s, end, g_c_locale);
    return strtod(s, end);
}

/* ---- public ---- */
const char *sam_last_error(void) { return g_err; }
int sam_abi_version(void) { return SAM_ABI_VERSION; }
