/* json.c — strict recursive-descent JSON parser (RFC 8259) with depth limit and positions in
 * error messages. Numbers are parsed locale-independently. */
#include "json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

#define JSON_MAX_DEPTH 64

typedef struct {
    const char *s;
    size_t len, pos;
    jdoc *doc;
    const char *what;
    int failed;
    int code; /* SAM_ERR_FORMAT or SAM_ERR_NOMEM once failed */
} jparser;

static int jp_fail(jparser *p, const char *problem) {
    if (p->failed) return -1;
    p->failed = 1;
    p->code = SAM_ERR_FORMAT;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < p->pos && i < p->len; i++) {
        if (p->s[i] == '\n') { line++; col = 1; } else col++;
    }
    err_set(SAM_ERR_FORMAT, "%s: invalid JSON, %s at line %zu column %zu. "
            "HINT: the file is corrupt or truncated; re-download or re-create it.",
            p->what, problem, line, col);
    return -1;
}

static int jp_new(jparser *p, jtype t) {
    jdoc *d = p->doc;
    if (d->count == d->cap) {
        int ncap = d->cap ? d->cap * 2 : 64;
        jnode *nn = realloc(d->nodes, (size_t)ncap * sizeof *nn);
        if (!nn) { p->failed = 1; p->code = SAM_ERR_NOMEM; err_set(SAM_ERR_NOMEM, "%s: out of memory parsing JSON. HINT: free memory.", p->what); return -1; }
        d->nodes = nn;
        d->cap = ncap;
    }
    jnode *n = &d->nodes[d->count];
    memset(n, 0, sizeof *n);
    n->type = t;
    n->first = n->next = -1;
    return d->count++;
}

static void jp_ws(jparser *p) {
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') p->pos++; else break;
    }
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int jp_hex4(jparser *p, uint32_t *out) {
    if (p->pos + 4 > p->len) return jp_fail(p, "truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p->s[p->pos + i]);
        if (h < 0) return jp_fail(p, "bad hex digit in \\u escape");
        v = v * 16 + (uint32_t)h;
    }
    p->pos += 4;
    *out = v;
    return 0;
}

/* Parses a string at p->pos (which is '"'); returns offset of the decoded NUL-terminated copy in
 * doc->strings via *off and its length. Decoded text is never longer than the source. */
static int jp_string(jparser *p, size_t *off, size_t *outlen) {
    jdoc *d = p->doc;
    p->pos++; /* opening quote */
    size_t start = d->str_used;
    char *o = d->strings + d->str_used;
    for (;;) {
        if (p->pos >= p->len) return jp_fail(p, "unterminated string");
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c == '"') { p->pos++; break; }
        if (c < 0x20) return jp_fail(p, "control character in string");
        if (c != '\\') { *o++ = (char)c; p->pos++; continue; }
        p->pos++;
        if (p->pos >= p->len) return jp_fail(p, "truncated escape");
        char e = p->s[p->pos++];
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            uint32_t cp;
            if (jp_hex4(p, &cp)) return -1;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo;
                if (p->pos + 2 > p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
                    return jp_fail(p, "unpaired surrogate in \\u escape");
                p->pos += 2;
                if (jp_hex4(p, &lo)) return -1;
                if (lo < 0xDC00 || lo > 0xDFFF) return jp_fail(p, "bad low surrogate in \\u escape");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return jp_fail(p, "unpaired surrogate in \\u escape");
            }
            /* UTF-8 of cp takes at most as many bytes as its escape (6 or 12 chars). */
            if (cp < 0x80) *o++ = (char)cp;
            else if (cp < 0x800) { *o++ = (char)(0xC0 | (cp >> 6)); *o++ = (char)(0x80 | (cp & 0x3F)); }
            else if (cp < 0x10000) { *o++ = (char)(0xE0 | (cp >> 12)); *o++ = (char)(0x80 | ((cp >> 6) & 0x3F)); *o++ = (char)(0x80 | (cp & 0x3F)); }
            else { *o++ = (char)(0xF0 | (cp >> 18)); *o++ = (char)(0x80 | ((cp >> 12) & 0x3F)); *o++ = (char)(0x80 | ((cp >> 6) & 0x3F)); *o++ = (char)(0x80 | (cp & 0x3F)); }
            break;
        }
        default: return jp_fail(p, "invalid escape");
        }
    }
    *o++ = 0;
    d->str_used = (size_t)(o - d->strings);
    *off = start;
    *outlen = d->str_used - start - 1;
    return 0;
}

static int jp_number(jparser *p, double *out, int *is_int) {
    size_t st = p->pos;
    const char *s = p->s;
    size_t i = p->pos;
    *is_int = 1;
    if (i < p->len && s[i] == '-') i++;
    if (i >= p->len) return jp_fail(p, "truncated number");
    if (s[i] == '0') i++;
    else if (s[i] >= '1' && s[i] <= '9') { while (i < p->len && s[i] >= '0' && s[i] <= '9') i++; }
    else return jp_fail(p, "invalid number");
    if (i < p->len && s[i] == '.') {
        *is_int = 0; i++;
        if (i >= p->len || s[i] < '0' || s[i] > '9') { p->pos = i; return jp_fail(p, "digit expected after '.'"); }
        while (i < p->len && s[i] >= '0' && s[i] <= '9') i++;
    }
    if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
        *is_int = 0; i++;
        if (i < p->len && (s[i] == '+' || s[i] == '-')) i++;
        if (i >= p->len || s[i] < '0' || s[i] > '9') { p->pos = i; return jp_fail(p, "digit expected in exponent"); }
        while (i < p->len && s[i] >= '0' && s[i] <= '9') i++;
    }
    char tmp[128];
    size_t n = i - st;
    if (n >= sizeof tmp) return jp_fail(p, "number too long");
    memcpy(tmp, s + st, n);
    tmp[n] = 0;
    *out = strtod_c(tmp, NULL);
    p->pos = i;
    return 0;
}

static int jp_literal(jparser *p, const char *lit) {
    size_t n = strlen(lit);
    if (p->pos + n > p->len || memcmp(p->s + p->pos, lit, n) != 0) return jp_fail(p, "invalid literal");
    p->pos += n;
    return 0;
}

static int jp_value(jparser *p, int depth);

/* Links child c as the next child of parent (tracking the last child in *last). */
static void jp_link(jparser *p, int parent, int c, int *last) {
    jnode *n = p->doc->nodes;
    if (*last < 0) n[parent].first = c; else n[*last].next = c;
    *last = c;
    n[parent].count++;
}

static int jp_value(jparser *p, int depth) {
    if (depth > JSON_MAX_DEPTH) return jp_fail(p, "nesting too deep");
    jp_ws(p);
    if (p->pos >= p->len) return jp_fail(p, "unexpected end of input");
    char c = p->s[p->pos];
    int id;
    if (c == '{') {
        if ((id = jp_new(p, J_OBJ)) < 0) return -1;
        p->pos++;
        jp_ws(p);
        int last = -1;
        if (p->pos < p->len && p->s[p->pos] == '}') { p->pos++; return id; }
        for (;;) {
            jp_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != '"') return jp_fail(p, "object key (string) expected");
            size_t koff, klen;
            if (jp_string(p, &koff, &klen)) return -1;
            jp_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') return jp_fail(p, "':' expected");
            p->pos++;
            int v = jp_value(p, depth + 1);
            if (v < 0) return -1;
            /* key pointer fixed up after parsing (strings buffer does not move: sized up front) */
            p->doc->nodes[v].key = p->doc->strings + koff;
            jp_link(p, id, v, &last);
            jp_ws(p);
            if (p->pos >= p->len) return jp_fail(p, "unterminated object");
            if (p->s[p->pos] == ',') { p->pos++; continue; }
            if (p->s[p->pos] == '}') { p->pos++; return id; }
            return jp_fail(p, "',' or '}' expected");
        }
    }
    if (c == '[') {
        if ((id = jp_new(p, J_ARR)) < 0) return -1;
        p->pos++;
        jp_ws(p);
        int last = -1;
        if (p->pos < p->len && p->s[p->pos] == ']') { p->pos++; return id; }
        for (;;) {
            int v = jp_value(p, depth + 1);
            if (v < 0) return -1;
            jp_link(p, id, v, &last);
            jp_ws(p);
            if (p->pos >= p->len) return jp_fail(p, "unterminated array");
            if (p->s[p->pos] == ',') { p->pos++; continue; }
            if (p->s[p->pos] == ']') { p->pos++; return id; }
            return jp_fail(p, "',' or ']' expected");
        }
    }
    if (c == '"') {
        if ((id = jp_new(p, J_STR)) < 0) return -1;
        size_t off, l;
        if (jp_string(p, &off, &l)) return -1;
        p->doc->nodes[id].str = p->doc->strings + off;
        p->doc->nodes[id].str_len = l;
        return id;
    }
    if (c == 't') { if (jp_literal(p, "true")) return -1; return jp_new(p, J_TRUE); }
    if (c == 'f') { if (jp_literal(p, "false")) return -1; return jp_new(p, J_FALSE); }
    if (c == 'n') { if (jp_literal(p, "null")) return -1; return jp_new(p, J_NULL); }
    if (c == '-' || (c >= '0' && c <= '9')) {
        double v; int is_int;
        if (jp_number(p, &v, &is_int)) return -1;
        if ((id = jp_new(p, J_NUM)) < 0) return -1;
        p->doc->nodes[id].num = v;
        p->doc->nodes[id].is_int = is_int;
        return id;
    }
    return jp_fail(p, "unexpected character");
}

int json_parse(jdoc *doc, const char *text, size_t len, const char *what) {
    memset(doc, 0, sizeof *doc);
    doc->str_cap = len + 1;
    doc->strings = XMALLOC(doc->str_cap, "JSON strings");
    if (!doc->strings) return SAM_ERR_NOMEM;
    jparser p = {text, len, 0, doc, what ? what : "JSON", 0, SAM_OK};
    int root = jp_value(&p, 0);
    if (root >= 0) {
        jp_ws(&p);
        if (p.pos != len) root = jp_fail(&p, "trailing characters after the JSON value");
    }
    if (root < 0) {
        json_free(doc);
        return p.code;
    }
    /* root is node 0 by construction */
    return SAM_OK;
}

void json_free(jdoc *doc) {
    free(doc->nodes);
    free(doc->strings);
    memset(doc, 0, sizeof *doc);
}

const jnode *json_root(const jdoc *d) { return d->count ? &d->nodes[0] : NULL; }
const jnode *json_child(const jdoc *d, const jnode *n) { return n && n->first >= 0 ? &d->nodes[n->first] : NULL; }
const jnode *json_next(const jdoc *d, const jnode *n) { return n && n->next >= 0 ? &d->nodes[n->next] : NULL; }

const jnode *json_get(const jdoc *d, const jnode *obj, const char *key) {
    if (!obj || obj->type != J_OBJ) return NULL;
    const jnode *found = NULL;
    for (const jnode *c = json_child(d, obj); c; c = json_next(d, c))
        if (strcmp(c->key, key) == 0) found = c; /* last duplicate wins, like most parsers */
    return found;
}

const jnode *json_at(const jdoc *d, const jnode *arr, int i) {
    if (!arr || arr->type != J_ARR || i < 0) return NULL;
    const jnode *c = json_child(d, arr);
    while (c && i-- > 0) c = json_next(d, c);
    return c;
}

size_t json_escape(char *dst, size_t cap, const char *s) {
    size_t n = 0;
#define PUT(ch) do { if (n + 1 < cap) dst[n] = (ch); n++; } while (0)
    PUT('"');
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        unsigned char c = *q;
        if (c == '"' || c == '\\') { PUT('\\'); PUT((char)c); }
        else if (c < 0x20) {
            static const char hx[] = "0123456789abcdef";
            PUT('\\'); PUT('u'); PUT('0'); PUT('0'); PUT(hx[c >> 4]); PUT(hx[c & 15]);
        } else PUT((char)c);
    }
    PUT('"');
#undef PUT
    if (cap) dst[n < cap ? n : cap - 1] = 0;
    return n;
}
