/* safetensors.c — see safetensors.h. Spec: https://github.com/huggingface/safetensors (README,
 * "Format"). Every header field is validated before any tensor is touched. */
#include "safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "libsamtrain assumes a little-endian host (safetensors data is little-endian)"
#endif

#define ST_MAX_HEADER (100u << 20)

static const char *const DTYPE_NAMES[ST_DTYPE_COUNT] = {
    "F32", "F16", "BF16", "U32", "I32", "U8", "I8", "U16", "I16",
    "F64", "I64", "U64", "BOOL", "F8_E4M3", "F8_E5M2"};
static const size_t DTYPE_SIZES[ST_DTYPE_COUNT] = {4, 2, 2, 4, 4, 1, 1, 2, 2, 8, 8, 8, 1, 1, 1};

const char *st_dtype_name(int d) { return d >= 0 && d < ST_DTYPE_COUNT ? DTYPE_NAMES[d] : "?"; }
size_t st_dtype_size(int d) { return d >= 0 && d < ST_DTYPE_COUNT ? DTYPE_SIZES[d] : 0; }

static int dtype_from_name(const char *s) {
    for (int i = 0; i < ST_DTYPE_COUNT; i++)
        if (strcmp(s, DTYPE_NAMES[i]) == 0) return i;
    return -1;
}

const char *st_describe(const st_tensor *t, char *buf, size_t cap) {
    size_t n = (size_t)snprintf(buf, cap, "%s [", st_dtype_name(t->dtype));
    for (int i = 0; i < t->ndim && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, i ? ", %lld" : "%lld", (long long)t->shape[i]);
    if (n < cap) snprintf(buf + n, cap - n, "]");
    return buf;
}

static int cmp_tensor(const void *a, const void *b) {
    return strcmp(((const st_tensor *)a)->name, ((const st_tensor *)b)->name);
}

#define HINT_CORRUPT "HINT: the file is corrupt or truncated (interrupted download or copy?); re-download or re-create it."

/* Validates one header entry into t. */
static int parse_entry(st_file *f, const jnode *e, size_t data_size, st_tensor *t) {
    const char *p = f->path, *name = e->key;
    if (e->type != J_OBJ)
        return err_set(SAM_ERR_FORMAT, "%s: header entry '%s' is not an object. " HINT_CORRUPT, p, name);
    const jnode *dt = json_get(&f->doc, e, "dtype");
    const jnode *sh = json_get(&f->doc, e, "shape");
    const jnode *of = json_get(&f->doc, e, "data_offsets");
    if (!dt || dt->type != J_STR || !sh || sh->type != J_ARR || !of || of->type != J_ARR)
        return err_set(SAM_ERR_FORMAT, "%s: tensor '%s' lacks a valid dtype, shape or data_offsets. " HINT_CORRUPT, p, name);
    t->name = name;
    t->dtype = dtype_from_name(dt->str);
    if (t->dtype < 0)
        return err_set(SAM_ERR_FORMAT, "%s: tensor '%s' has unknown dtype '%s'. " HINT_CORRUPT, p, name, dt->str);
    if (sh->count > ST_MAX_DIM)
        return err_set(SAM_ERR_FORMAT, "%s: tensor '%s' has %d dimensions (at most %d supported). " HINT_CORRUPT,
                       p, name, sh->count, ST_MAX_DIM);
    t->ndim = sh->count;
    uint64_t numel = 1;
    int i = 0;
    for (const jnode *d = json_child(&f->doc, sh); d; d = json_next(&f->doc, d), i++) {
        if (d->type != J_NUM || !d->is_int || d->num < 0 || d->num > 9.0e15)
            return err_set(SAM_ERR_FORMAT, "%s: tensor '%s' has an invalid shape entry. " HINT_CORRUPT, p, name);
        t->shape[i] = (int64_t)d->num;
        if (t->shape[i] && numel > (UINT64_MAX / 16) / (uint64_t)t->shape[i])
            return err_set(SAM_ERR_FORMAT, "%s: tensor '%s' shape overflows. " HINT_CORRUPT, p, name);
        numel *= (uint64_t)t->shape[i];
    }
    t->numel = (int64_t)numel;
    const jnode *b = json_at(&f->doc, of, 0), *en = json_at(&f->doc, of, 1);
    if (of->count != 2 || b->type != J_NUM || !b->is_int || en->type != J_NUM || !en->is_int || b->num < 0 || en->num < 0)
        return err_set(SAM_ERR_FORMAT, "%s: tensor '%s' has invalid data_offsets. " HINT_CORRUPT, p, name);
    double begin = b->num, end = en->num;
    if (begin > end || end > (double)data_size)
        return err_set(SAM_ERR_FORMAT, "%s: tensor '%s' data_offsets [%.0f, %.0f] are out of range: the data section has %zu bytes. " HINT_CORRUPT,
                       p, name, begin, end, data_size);
    uint64_t want = numel * st_dtype_size(t->dtype);
    if ((uint64_t)(end - begin) != want)
        return err_set(SAM_ERR_FORMAT, "%s: tensor '%s' spans %.0f bytes but %s x %llu elements need %llu. " HINT_CORRUPT,
                       p, name, end - begin, st_dtype_name(t->dtype), (unsigned long long)numel, (unsigned long long)want);
    t->nbytes = (size_t)want;
    t->data = f->map + 8 + (f->size - 8 - data_size) + (size_t)begin;
    return SAM_OK;
}

static int cmp_by_data(const void *a, const void *b) {
    const st_tensor *x = *(const st_tensor *const *)a, *y = *(const st_tensor *const *)b;
    if (x->data != y->data) return x->data < y->data ? -1 : 1;
    return x->nbytes < y->nbytes ? -1 : x->nbytes > y->nbytes;
}

/* The safetensors format (huggingface/safetensors, "Format"): the byte buffer is entirely indexed by the
 * tensors, without holes or overlaps. Sorted by offset, each tensor must start where the previous one ends
 * and the last one end at the buffer's end; overlapping or aliased offsets are refused (two names would
 * share, or partly share, the same bytes). Empty tensors take no bytes and may sit anywhere in order. */
static int check_coverage(st_file *f, size_t data_size) {
    if (f->n == 0) {
        if (data_size != 0)
            return err_set(SAM_ERR_FORMAT, "%s: %zu data bytes but no tensors. " HINT_CORRUPT, f->path, data_size);
        return SAM_OK;
    }
    const st_tensor **by = XCALLOC((size_t)f->n, sizeof *by, "safetensors offsets");
    if (!by) return SAM_ERR_NOMEM;
    for (int i = 0; i < f->n; i++) by[i] = &f->t[i];
    qsort(by, (size_t)f->n, sizeof *by, cmp_by_data);
    const uint8_t *base = f->map + 8 + (f->size - 8 - data_size);
    size_t pos = 0;
    const char *prev = NULL;
    int rc = SAM_OK;
    for (int i = 0; i < f->n && !rc; i++) {
        size_t begin = (size_t)(by[i]->data - base);
        if (begin != pos)
            rc = err_set(SAM_ERR_FORMAT, "%s: tensor '%s' data starts at byte %zu but %s%s ends at %zu (%s). " HINT_CORRUPT,
                         f->path, by[i]->name, begin, prev ? "'" : "the data section starts at 0", prev ? prev : "",
                         pos, begin < pos ? "overlapping or aliased tensors" : "gap between tensors");
        else
            pos = begin + by[i]->nbytes;
        if (!rc && by[i]->nbytes > 0) prev = by[i]->name;
    }
    if (!rc && pos != data_size)
        rc = err_set(SAM_ERR_FORMAT, "%s: %zu bytes after the last tensor (data section %zu bytes, tensors end at %zu). " HINT_CORRUPT,
                     f->path, data_size - pos, data_size, pos);
    free(by);
    return rc;
}

int st_open(st_file *f, const char *path) {
    memset(f, 0, sizeof *f);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(SAM_ERR_IO, "cannot open %s: %s. HINT: check that the path exists and is readable.", path, strerror(errno));
    struct stat stt;
    if (fstat(fd, &stt) != 0 || !S_ISREG(stt.st_mode)) {
        close(fd);
        return err_set(SAM_ERR_IO, "%s is not a regular file. HINT: pass the path of a .safetensors file.", path);
    }
    size_t size = (size_t)stt.st_size;
    if (size < 8) {
        close(fd);
        return err_set(SAM_ERR_FORMAT, "%s is truncated: %zu bytes, a safetensors file has at least an 8-byte header length. " HINT_CORRUPT, path, size);
    }
    void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    int merr = errno;
    close(fd);
    if (map == MAP_FAILED)
        return err_set(SAM_ERR_IO, "cannot memory-map %s: %s. HINT: check free address space and file permissions.", path, strerror(merr));
    f->map = map;
    f->size = size;
    f->path = strdup(path);
    if (!f->path) { st_close(f); return err_set(SAM_ERR_NOMEM, "out of memory. HINT: free memory."); }
    uint64_t hlen;
    memcpy(&hlen, f->map, 8);
    if (hlen > size - 8) {
        err_set(SAM_ERR_FORMAT, "%s: header length %llu is larger than the file (%zu bytes). " HINT_CORRUPT, path, (unsigned long long)hlen, size);
        st_close(f);
        return SAM_ERR_FORMAT;
    }
    if (hlen > ST_MAX_HEADER || hlen < 2) {
        err_set(SAM_ERR_FORMAT, "%s: implausible header length %llu. " HINT_CORRUPT, path, (unsigned long long)hlen);
        st_close(f);
        return SAM_ERR_FORMAT;
    }
    /* Trailing spaces (alignment padding) are valid JSON whitespace. */
    int rc = json_parse(&f->doc, (const char *)f->map + 8, (size_t)hlen, path);
    if (rc) { st_close(f); return rc; }
    const jnode *root = json_root(&f->doc);
    if (root->type != J_OBJ) {
        err_set(SAM_ERR_FORMAT, "%s: header is not a JSON object. " HINT_CORRUPT, path);
        st_close(f);
        return SAM_ERR_FORMAT;
    }
    size_t data_size = size - 8 - (size_t)hlen;
    f->t = XCALLOC((size_t)root->count + 1, sizeof *f->t, "safetensors index");
    if (!f->t) { st_close(f); return SAM_ERR_NOMEM; }
    for (const jnode *e = json_child(&f->doc, root); e; e = json_next(&f->doc, e)) {
        if (strcmp(e->key, "__metadata__") == 0) {
            if (e->type != J_OBJ) { err_set(SAM_ERR_FORMAT, "%s: __metadata__ is not an object. " HINT_CORRUPT, path); st_close(f); return SAM_ERR_FORMAT; }
            for (const jnode *m = json_child(&f->doc, e); m; m = json_next(&f->doc, m))
                if (m->type != J_STR) { err_set(SAM_ERR_FORMAT, "%s: __metadata__ value '%s' is not a string. " HINT_CORRUPT, path, m->key); st_close(f); return SAM_ERR_FORMAT; }
            f->meta = e;
            continue;
        }
        if ((rc = parse_entry(f, e, data_size, &f->t[f->n]))) { st_close(f); return rc; }
        f->n++;
    }
    qsort(f->t, (size_t)f->n, sizeof *f->t, cmp_tensor);
    for (int i = 1; i < f->n; i++)
        if (strcmp(f->t[i - 1].name, f->t[i].name) == 0) {
            err_set(SAM_ERR_FORMAT, "%s: tensor '%s' appears twice in the header. " HINT_CORRUPT, path, f->t[i].name);
            st_close(f);
            return SAM_ERR_FORMAT;
        }
    if ((rc = check_coverage(f, data_size))) { st_close(f); return rc; }
    return SAM_OK;
}

void st_close(st_file *f) {
    if (!f) return;
    if (f->map) munmap(f->map, f->size);
    free(f->t);
    free(f->path);
    json_free(&f->doc);
    memset(f, 0, sizeof *f);
}

const st_tensor *st_find(const st_file *f, const char *name) {
    st_tensor key;
    key.name = name;
    return f->n ? bsearch(&key, f->t, (size_t)f->n, sizeof *f->t, cmp_tensor) : NULL;
}

const char *st_meta(const st_file *f, const char *key) {
    const jnode *v = json_get(&f->doc, f->meta, key);
    return v ? v->str : NULL;
}

/* ---- writer ---- */

typedef struct { char *s; size_t len, cap; int oom; } dynstr;

static void ds_put(dynstr *d, const char *s, size_t n) {
    if (d->oom) return;
    if (d->len + n + 1 > d->cap) {
        size_t nc = (d->cap ? d->cap * 2 : 1024);
        while (nc < d->len + n + 1) nc *= 2;
        char *ns = realloc(d->s, nc);
        if (!ns) { d->oom = 1; return; }
        d->s = ns;
        d->cap = nc;
    }
    memcpy(d->s + d->len, s, n);
    d->len += n;
    d->s[d->len] = 0;
}
static void ds_str(dynstr *d, const char *s) { ds_put(d, s, strlen(s)); }
static void ds_json(dynstr *d, const char *s) {
    size_t need = json_escape(NULL, 0, s);
    char *tmp = malloc(need + 1);
    if (!tmp) { d->oom = 1; return; }
    json_escape(tmp, need + 1, s);
    ds_put(d, tmp, need);
    free(tmp);
}

static int write_all(int fd, const void *buf, size_t n) {
    const uint8_t *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n > (1u << 30) ? (1u << 30) : n);
        if (w < 0) { if (errno == EINTR) continue; return -1; }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int st_write_atomic(const char *path, const st_wtensor *t, int n, const char *const *meta, int nmeta) {
    dynstr h = {0};
    char num[64];
    ds_str(&h, "{");
    int first = 1;
    if (nmeta > 0) {
        ds_str(&h, "\"__metadata__\":{");
        for (int i = 0; i < nmeta; i++) {
            if (i) ds_str(&h, ",");
            ds_json(&h, meta[2 * i]);
            ds_str(&h, ":");
            ds_json(&h, meta[2 * i + 1]);
        }
        ds_str(&h, "}");
        first = 0;
    }
    uint64_t off = 0;
    for (int i = 0; i < n; i++) {
        uint64_t numel = 1;
        for (int d = 0; d < t[i].ndim; d++) numel *= (uint64_t)t[i].shape[d];
        uint64_t nb = numel * st_dtype_size(t[i].dtype);
        if (!first) ds_str(&h, ",");
        first = 0;
        ds_json(&h, t[i].name);
        ds_str(&h, ":{\"dtype\":\"");
        ds_str(&h, st_dtype_name(t[i].dtype));
        ds_str(&h, "\",\"shape\":[");
        for (int d = 0; d < t[i].ndim; d++) {
            snprintf(num, sizeof num, d ? ",%lld" : "%lld", (long long)t[i].shape[d]);
            ds_str(&h, num);
        }
        snprintf(num, sizeof num, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)off, (unsigned long long)(off + nb));
        ds_str(&h, num);
        off += nb;
    }
    ds_str(&h, "}");
    while (!h.oom && h.len % 8) ds_str(&h, " "); /* data starts 8-byte aligned */
    if (h.oom) { free(h.s); return err_set(SAM_ERR_NOMEM, "out of memory building the header of %s. HINT: free memory.", path); }

    static atomic_uint counter;
    size_t plen = strlen(path) + 64;
    char *tmp = malloc(plen);
    if (!tmp) { free(h.s); return err_set(SAM_ERR_NOMEM, "out of memory. HINT: free memory."); }
    snprintf(tmp, plen, "%s.tmp-%ld-%u", path, (long)getpid(), atomic_fetch_add(&counter, 1));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        free(h.s); free(tmp);
        return err_set(SAM_ERR_IO, "cannot create %s.tmp-*: %s. HINT: check that the directory exists and is writable and the disk is not full.", path, strerror(e));
    }
    uint64_t hl = h.len;
    int bad = write_all(fd, &hl, 8) || write_all(fd, h.s, h.len);
    for (int i = 0; i < n && !bad; i++) {
        uint64_t numel = 1;
        for (int d = 0; d < t[i].ndim; d++) numel *= (uint64_t)t[i].shape[d];
        bad = write_all(fd, t[i].data, (size_t)(numel * st_dtype_size(t[i].dtype)));
    }
    int e = errno;
    if (!bad && fsync(fd) != 0) { bad = 1; e = errno; }
    if (close(fd) != 0 && !bad) { bad = 1; e = errno; }
    if (!bad && rename(tmp, path) != 0) { bad = 1; e = errno; }
    free(h.s);
    if (bad) {
        unlink(tmp);
        free(tmp);
        return err_set(SAM_ERR_IO, "cannot write %s: %s. HINT: check free disk space and permissions of the directory.", path, strerror(e));
    }
    free(tmp);
    /* Make the rename durable. */
    char *dcopy = strdup(path);
    if (dcopy) {
        int dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) { fsync(dfd); close(dfd); }
        free(dcopy);
    }
    return SAM_OK;
}
