/* test_util.c — see test_util.h. */
#define _XOPEN_SOURCE 700
#include "test_util.h"

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int tu_failures, tu_checks;

int tu_check_err(int rc, int code, const char *what, const char *file, int line, const char **subs) {
    tu_checks++;
    const char *msg = sam_last_error();
    int ok = rc == code && strstr(msg, "HINT:") != NULL;
    for (const char **s = subs; *s && ok; s++) ok = strstr(msg, *s) != NULL;
    if (!ok) {
        tu_failures++;
        printf("FAIL %s:%d: %s returned %d (want %d), message: %s\n  expected substrings:", file, line, what, rc, code, msg);
        for (const char **s = subs; *s; s++) printf(" [%s]", *s);
        printf(" [HINT:]\n");
    }
    return ok;
}

int tu_done(const char *name) {
    printf("%s: %d checks, %d failures\n", name, tu_checks, tu_failures);
    return tu_failures ? 1 : 0;
}

const char *tu_fixture(const char *rel) {
    static _Thread_local char buf[8][1024];
    static _Thread_local int k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/qwen2-tiny/%s", SAM_TESTDATA_DIR, rel);
    return b;
}

int tu_read_file(const char *path, uint8_t **data, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    *data = malloc((size_t)sz + 1);
    *n = fread(*data, 1, (size_t)sz, f);
    (*data)[*n] = 0;
    fclose(f);
    return *n == (size_t)sz ? 0 : -1;
}

int tu_write_file(const char *path, const void *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(data, 1, n, f);
    fclose(f);
    return w == n ? 0 : -1;
}

int tu_copy_file(const char *src, const char *dst) {
    uint8_t *d;
    size_t n;
    if (tu_read_file(src, &d, &n)) return -1;
    int rc = tu_write_file(dst, d, n);
    free(d);
    return rc;
}

static int num_array(const jdoc *d, const jnode *a, double *out, int max) {
    int i = 0;
    for (const jnode *c = json_child(d, a); c && i < max; c = json_next(d, c)) out[i++] = c->num;
    return i;
}

int tu_load_expected(tu_expected *e) {
    uint8_t *text;
    size_t n;
    if (tu_read_file(tu_fixture("expected.json"), &text, &n)) { printf("cannot read %s\n", tu_fixture("expected.json")); return -1; }
    jdoc d;
    if (json_parse(&d, (const char *)text, n, "expected.json")) { free(text); printf("%s\n", sam_last_error()); return -1; }
    free(text);
    const jnode *r = json_root(&d);
    double tmp[64];
    memset(e, 0, sizeof *e);
    e->n = num_array(&d, json_get(&d, r, "ids"), tmp, 64);
    for (int i = 0; i < e->n; i++) e->ids[i] = (int32_t)tmp[i];
    e->mask_from = (int)json_get(&d, r, "mask_from")->num;
    e->loss_fp32 = json_get(&d, r, "loss_fp32")->num;
    e->loss_fp32_masked = json_get(&d, r, "loss_fp32_masked")->num;
    e->loss_fp32_adapters = json_get(&d, r, "loss_fp32_adapters")->num;
    e->loss_fp32_adapters_masked = json_get(&d, r, "loss_fp32_adapters_masked")->num;
    e->loss_mlx4bit = json_get(&d, r, "loss_mlx4bit")->num;
    num_array(&d, json_get(&d, r, "logits_fp32_last_first8"), e->logits_fp32, 8);
    num_array(&d, json_get(&d, r, "logits_fp32_adapters_last_first8"), e->logits_fp32_adapters, 8);
    num_array(&d, json_get(&d, r, "dequant_mlx4bit_layer0_q_proj_row0_first8"), e->dequant_row, 8);
    num_array(&d, json_get(&d, r, "greedy8_fp32"), tmp, 8);
    for (int i = 0; i < 8; i++) e->greedy_fp32[i] = (int32_t)tmp[i];
    num_array(&d, json_get(&d, r, "greedy8_fp32_adapters"), tmp, 8);
    for (int i = 0; i < 8; i++) e->greedy_fp32_adapters[i] = (int32_t)tmp[i];
    json_free(&d);
    return 0;
}

int tu_backends(const char *paths[2]) {
    paths[0] = "";
    const char *b = getenv("SAM_BLAS_LIB");
    if (b && b[0]) { paths[1] = b; return 2; }
    return 1;
}

int tu_use_backend(const char *path) {
    int rc = sam_backend_init(path, 0);
    if (rc) printf("backend init failed: %s\n", sam_last_error());
    else printf("== backend: %s\n", sam_backend_name());
    return rc;
}

char *tu_tmpdir(void) {
    const char *base = getenv("TMPDIR");
    char *p = malloc(4096);
    snprintf(p, 4096, "%s/samtrain-test-XXXXXX", base && base[0] ? base : "/tmp");
    if (!mkdtemp(p)) { perror("mkdtemp"); free(p); return NULL; }
    return p;
}

static int rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}
void tu_rmrf(const char *path) { nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS); }

int tu_rewrite_safetensors(const char *src, const char *dst, tu_edit_fn edit, void *ctx) {
    st_file f;
    if (st_open(&f, src)) { printf("%s\n", sam_last_error()); return -1; }
    st_wtensor *w = calloc((size_t)f.n + 1, sizeof *w);
    int n = 0;
    for (int i = 0; i < f.n; i++) {
        const st_tensor *t = &f.t[i];
        st_wtensor x = {t->name, t->dtype, t->ndim, {0}, t->data};
        for (int d = 0; d < t->ndim; d++) x.shape[d] = t->shape[d];
        int what = edit ? edit(t, ctx, &x) : 0;
        if (what == 1) continue;
        w[n++] = x;
    }
    int rc = st_write_atomic(dst, w, n, NULL, 0);
    if (rc) printf("%s\n", sam_last_error());
    free(w);
    st_close(&f);
    return rc;
}

sam_lora_config tu_fixture_lora_cfg(void) {
    sam_lora_config c = {4, 2.0f, 0.0f, 2, SAM_TARGET_Q | SAM_TARGET_K | SAM_TARGET_V | SAM_TARGET_O};
    return c;
}

sam_train_config tu_train_cfg(int max_batch, int max_seq, int ckpt) {
    sam_train_config c;
    memset(&c, 0, sizeof c);
    c.learning_rate = 1e-3f;
    c.beta1 = 0.9f;
    c.beta2 = 0.999f;
    c.eps = 1e-8f;
    c.weight_decay = 0.0f;
    c.grad_clip = 1.0f;
    c.lr_schedule = SAM_LR_CONSTANT;
    c.max_batch = max_batch;
    c.max_seq_len = max_seq;
    c.grad_checkpoint = ckpt;
    c.seed = 1234;
    return c;
}

double tu_rel(double got, double want) {
    return fabs(got - want) / fmax(fabs(want), 1e-30);
}
