/* safetensors.h — validated, memory-mapped safetensors reader and an atomic writer.
 * Format: u64 little-endian header length N, N bytes of JSON
 * {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}, then the data. */
#ifndef SAM_SAFETENSORS_H
#define SAM_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define ST_MAX_DIM 8

typedef enum {
    ST_F32, ST_F16, ST_BF16, ST_U32, ST_I32, ST_U8, ST_I8, ST_U16, ST_I16,
    ST_F64, ST_I64, ST_U64, ST_BOOL, ST_F8_E4M3, ST_F8_E5M2, ST_DTYPE_COUNT
} st_dtype;

const char *st_dtype_name(int dtype);
size_t st_dtype_size(int dtype);

typedef struct {
    const char *name;
    int dtype;
    int ndim;
    int64_t shape[ST_MAX_DIM];
    int64_t numel;
    const uint8_t *data; /* inside the mapping; may be unaligned */
    size_t nbytes;
} st_tensor;

typedef struct {
    char *path;
    uint8_t *map;
    size_t size;
    st_tensor *t; /* sorted by name */
    int n;
    jdoc doc;
    const jnode *meta; /* __metadata__ object or NULL */
} st_file;

/* Opens, maps and validates path (header length, JSON, dtypes, shapes, offsets in range and
 * consistent with dtype x shape). On failure f is left closed. */
int st_open(st_file *f, const char *path);
void st_close(st_file *f);
const st_tensor *st_find(const st_file *f, const char *name);
const char *st_meta(const st_file *f, const char *key); /* NULL if absent */
/* "F32 [64, 4]" into buf */
const char *st_describe(const st_tensor *t, char *buf, size_t cap);

typedef struct {
    const char *name;
    int dtype;
    int ndim;
    int64_t shape[ST_MAX_DIM];
    const void *data; /* numel * dtype size bytes, host (little-endian) order */
} st_wtensor;

/* Writes a safetensors file atomically: temp file in the same directory, fsync, rename, fsync of
 * the directory. meta holds nmeta (key, value) string pairs. */
int st_write_atomic(const char *path, const st_wtensor *t, int n, const char *const *meta, int nmeta);

#endif
