/* test_util.h — tiny test harness shared by the ctest programs. */
#ifndef SAM_TEST_UTIL_H
#define SAM_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "safetensors.h"
#include "samtrain.h"

extern int tu_failures, tu_checks;

#define CHECK(cond, ...) do { tu_checks++; if (!(cond)) { tu_failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)
/* Call must succeed; on failure prints sam_last_error. */
#define CHECK_OK(call) do { int _rc = (call); tu_checks++; if (_rc != SAM_OK) { tu_failures++; printf("FAIL %s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #call, _rc, sam_last_error()); } } while (0)
/* Call must fail with code and a message containing every given substring and a HINT. */
#define CHECK_ERR(call, code, ...) tu_check_err((call), (code), #call, __FILE__, __LINE__, (const char *[]){__VA_ARGS__, NULL})
int tu_check_err(int rc, int code, const char *what, const char *file, int line, const char **subs);
int tu_done(const char *name); /* prints summary, returns exit code */

/* Path of a fixture file: SAM_TESTDATA_DIR "/qwen2-tiny/" rel. */
const char *tu_fixture(const char *rel);
/* expected.json */
typedef struct {
    int32_t ids[64];
    int n, mask_from;
    double loss_fp32, loss_fp32_masked, loss_fp32_adapters, loss_fp32_adapters_masked, loss_mlx4bit;
    double logits_fp32[8], logits_fp32_adapters[8], dequant_row[8];
    int32_t greedy_fp32[8], greedy_fp32_adapters[8];
} tu_expected;
int tu_load_expected(tu_expected *e);

/* Backends to run: "builtin" and, when SAM_BLAS_LIB is set, that library. Returns count. */
int tu_backends(const char *paths[2]);
int tu_use_backend(const char *path); /* NULL/"" = builtin */

char *tu_tmpdir(void);           /* fresh directory, free() the result */
void tu_rmrf(const char *path);
int tu_write_file(const char *path, const void *data, size_t n);
int tu_read_file(const char *path, uint8_t **data, size_t *n);
int tu_copy_file(const char *src, const char *dst);

/* Rewrites a safetensors file: for each tensor, edit(t, ctx, &replacement) may return 0 = keep,
 * 1 = drop, 2 = replace with *rep (data pointer may point to a static/test buffer). */
typedef int (*tu_edit_fn)(const st_tensor *t, void *ctx, st_wtensor *rep);
int tu_rewrite_safetensors(const char *src, const char *dst, tu_edit_fn edit, void *ctx);

/* Default configs used across tests. */
sam_lora_config tu_fixture_lora_cfg(void); /* rank 4, scale 2, dropout 0, last 2 layers, q/k/v/o */
sam_train_config tu_train_cfg(int max_batch, int max_seq, int ckpt);

double tu_rel(double got, double want);

#endif
