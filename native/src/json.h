/* json.h — small strict JSON (RFC 8259) parser for config.json and safetensors headers.
 * The whole document becomes an array of nodes; children are linked by index. Depth and size are
 * bounded, every malformed input is an error with line:column, never a crash. */
#ifndef SAM_JSON_H
#define SAM_JSON_H

#include <stddef.h>

typedef enum { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct {
    jtype type;
    int first;   /* first child (array element or object member value), -1 if none */
    int next;    /* next sibling, -1 if none */
    int count;   /* number of children */
    const char *key; /* member name when the parent is an object */
    const char *str; /* decoded string (J_STR), NUL-terminated */
    size_t str_len;
    double num;  /* J_NUM */
    int is_int;  /* J_NUM written without fraction or exponent */
} jnode;

typedef struct {
    jnode *nodes;
    int count, cap;
    char *strings; /* decoded strings and keys */
    size_t str_used, str_cap;
} jdoc;

/* Parses text[0..len). On failure returns SAM_ERR_FORMAT with the message "<where>: <problem> at
 * line L column C" (where = what, e.g. a file name) and leaves doc empty. */
int json_parse(jdoc *doc, const char *text, size_t len, const char *what);
void json_free(jdoc *doc);

const jnode *json_root(const jdoc *d);
const jnode *json_child(const jdoc *d, const jnode *n);  /* first child or NULL */
const jnode *json_next(const jdoc *d, const jnode *n);   /* next sibling or NULL */
const jnode *json_get(const jdoc *d, const jnode *obj, const char *key); /* NULL if absent */
const jnode *json_at(const jdoc *d, const jnode *arr, int i);

/* Appends s as a JSON string literal (with quotes, escaped) to dst; returns bytes needed
 * (like snprintf: may exceed cap). */
size_t json_escape(char *dst, size_t cap, const char *s);

#endif
