/* matmul.c — the dispatch layer (see matmul.h): backend state and selection (sam_backend_init,
 * sam_backend_set_precision), and for every product the choice of kernel. */
#include "matmul.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "error.h"
#include "kernels.h"
#include "parallel.h"

static _Atomic(kn_blas *) g_blas;   /* NULL: builtin */
static atomic_int g_bf16;           /* 1: mm_sgemm_ws / mm_wgemm compute in bf16 (builtin only) */
static atomic_int g_decode;         /* enum sam_decode_precision of generation's products with 4-bit weights */
static _Thread_local int t_generation; /* mm_generation_scope of this thread */
static char g_name[512] = "builtin";
static atomic_int g_initialized;    /* sam_backend_init ran */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

/* The built-in workspace GEMM's micro-kernel: bf16 when selected, else fp32. */
static const kn_gemm_kernel *ws_kernel(void) {
    return mm_bf16_enabled() ? kn_bf16_kernel() : kn_f32_kernel();
}

typedef struct {
    const kn_blas *b;
    int ta, tb, M, N, K, lda, ldb, ldc, by_cols, chunk, len;
    float alpha, beta;
    const float *A, *B;
    float *C;
} blas_job;

static void blas_slice(void *ctx, long s0, long s1) {
    const blas_job *j = ctx;
    for (long s = s0; s < s1; s++) {
        const int o = (int)s * j->chunk, n = j->len - o < j->chunk ? j->len - o : j->chunk;
        if (n <= 0) continue;
        if (j->by_cols)
            kn_blas_sgemm(j->b, j->ta, j->tb, j->M, n, j->K, j->alpha, j->A, j->lda, j->tb ? j->B + (size_t)o * j->ldb : j->B + o,
                          j->ldb, j->beta, j->C + o, j->ldc);
        else
            kn_blas_sgemm(j->b, j->ta, j->tb, n, j->N, j->K, j->alpha, j->ta ? j->A + o : j->A + (size_t)o * j->lda, j->lda,
                          j->B, j->ldb, j->beta, j->C + (size_t)o * j->ldc, j->ldc);
    }
}

void mm_sgemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) C[(size_t)i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[(size_t)i * ldc + j];
        return;
    }
    kn_blas *b = atomic_load_explicit(&g_blas, memory_order_acquire);
    if (!b) {
        kn_gemm_stack(kn_f32_kernel(), ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    /* One thread pool: the BLAS runs single-threaded inside the library's threads, each on a slice of
     * C (columns, or rows when C is narrow). Two spinning pools (ours and OpenBLAS's) on the same
     * cores slow each other down by an order of magnitude. Slices never split K: deterministic. */
    const int nt = par_threads();
    if (nt > 1 && !kn_blas_own_threads(b) && (double)M * N * K >= 262144.0 && (N >= 64 * nt || M >= 64 * nt)) {
        const int by_cols = N >= 64 * nt, len = by_cols ? N : M;
        const int q = 16, chunk = ((len + nt - 1) / nt + q - 1) / q * q; /* slices aligned to 16 */
        blas_job j = {b, ta, tb, M, N, K, lda, ldb, ldc, by_cols, chunk, len, alpha, beta, A, B, C};
        par_for(nt, 1, nt, blas_slice, &j);
        return;
    }
    kn_blas_sgemm(b, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void mm_sgemm_ws(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                 const float *B, int ldb, float beta, float *C, int ldc, float *ws, size_t ws_floats) {
    if (M <= 0 || N <= 0 || K <= 0 || atomic_load_explicit(&g_blas, memory_order_acquire)) {
        mm_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    const kn_f32mat b = {B, ldb, tb};
    kn_gemm_packed(ws_kernel(), M, N, K, alpha, A, lda, ta, kn_pack_b_f32, NULL, &b, beta, C, ldc, ws, ws_floats);
}

void mm_wgemm(int ta, int tw, int M, int N, int K, float alpha, const float *A, int lda, const wmat *W,
              float beta, float *C, int ldc, float *ws, size_t ws_floats) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0 || W->direct) {
        mm_sgemm_ws(ta, tw, M, N, K, alpha, A, lda, W->direct, W->cols, beta, C, ldc, ws, ws_floats);
        return;
    }
    if (!atomic_load_explicit(&g_blas, memory_order_acquire)) {
        kn_gemm_packed(ws_kernel(), M, N, K, alpha, A, lda, ta, tw ? wmat_pack_t : wmat_pack_n,
                       tw ? wmat_prefetch_t : wmat_prefetch_n, W, beta, C, ldc, ws, ws_floats);
        return;
    }
    /* BLAS: convert row tiles of W into ws and multiply them (rows of W are columns of C for the
     * forward, a K range for the input gradient) */
    const int tr = wmat_tile_rows(W, ws_floats);
    for (int r0 = 0; r0 < W->rows; r0 += tr) {
        const int n = W->rows - r0 < tr ? W->rows - r0 : tr;
        wmat_rows(W, r0, n, ws);
        if (tw)
            mm_sgemm(ta, MM_T, M, n, K, alpha, A, lda, ws, K, beta, C + r0, ldc);
        else
            mm_sgemm(ta, MM_N, M, N, n, alpha, ta ? A + (size_t)r0 * lda : A + r0, lda, ws, N, r0 == 0 ? beta : 1.0f, C, ldc);
    }
}

void mm_linear(float *out, int ldo, const float *x, const wmat *W, int M, float *ws, size_t ws_floats) {
    /* int8 only for decode-sized products: a prompt's prefill is compute-bound, and there the backend's fp32
     * GEMM was as fast per CPU-second as the int8 kernel on AVX2 (docs/performance.md) */
    const int decode = W->kind == WM_Q && M <= MM_DECODE_M && t_generation ? atomic_load_explicit(&g_decode, memory_order_relaxed) : SAM_DECODE_FP32;
    if (decode == SAM_DECODE_Q8 && kn_qmatvec_q8_supported(W) && kn_qmatvec_q8_scratch_floats(1, W->cols, W->group) <= ws_floats)
        kn_qmatvec_q8(out, ldo, x, W, M, ws, ws_floats); /* generation's decode, int8 activations */
    else if (decode == SAM_DECODE_Q22 && M == 1 && kn_qmatvec_q22_supported(W) && kn_qmatvec_q22_scratch_floats(W->cols, W->group) <= ws_floats)
        kn_qmatvec_q22(out, x, W, ws, ws_floats); /* a decoded token, activations in three int8 planes */
    else if (W->kind == WM_Q && M <= MM_DECODE_M)
        kn_qmatvec(out, ldo, x, W, M, ws, ws_floats); /* decode: read the packed weights once */
    else
        mm_wgemm(MM_N, MM_T, M, W->rows, W->cols, 1.0f, x, W->cols, W, 0.0f, out, ldo, ws, ws_floats);
}

void mm_generation_scope(int on) {
    t_generation = on;
}

int mm_bf16_enabled(void) {
    return atomic_load_explicit(&g_bf16, memory_order_relaxed);
}

/* Called under g_lock. */
static void builtin_name(int nt) {
    snprintf(g_name, sizeof g_name, "builtin (%s%s) %d thread%s", cpu_isa_name(), atomic_load(&g_bf16) ? ", bf16" : "",
             nt, nt == 1 ? "" : "s");
}

/* ---- public ---- */

int sam_backend_init(const char *blas_library, int num_threads) {
    int nt = num_threads > 0 ? num_threads : par_default_threads();
    if (num_threads > 4096)
        return err_set(SAM_ERR_INVALID_ARG, "num_threads %d is out of range. HINT: pass 0 for all cores or a small positive count.", num_threads);
    pthread_mutex_lock(&g_lock);
    int rc = SAM_OK;
    if (blas_library && blas_library[0]) {
        kn_blas *b;
        rc = strcmp(blas_library, "accelerate") == 0 ? kn_blas_accelerate(&b) : kn_blas_open(blas_library, &b);
        if (rc == SAM_OK) {
            kn_blas_set_threads(b, 1); /* mm_sgemm parallelizes over slices of C */
            par_set_threads(nt);
            atomic_store(&g_bf16, 0); /* bf16 is a property of the built-in kernels */
            atomic_store_explicit(&g_blas, b, memory_order_release);
            kn_blas_describe(b, nt, g_name, sizeof g_name);
        }
    } else {
        par_set_threads(nt);
        atomic_store_explicit(&g_blas, NULL, memory_order_release);
        builtin_name(nt);
    }
    atomic_store(&g_initialized, 1);
    pthread_mutex_unlock(&g_lock);
    return rc;
}

int sam_backend_set_precision(int32_t precision) {
    if (precision != SAM_PRECISION_FP32 && precision != SAM_PRECISION_BF16)
        return err_set(SAM_ERR_INVALID_ARG, "sam_backend_set_precision: unknown precision %d. HINT: use SAM_PRECISION_FP32 or SAM_PRECISION_BF16.", precision);
    pthread_mutex_lock(&g_lock);
    int rc = SAM_OK;
    if (precision == SAM_PRECISION_BF16 && atomic_load(&g_blas))
        rc = err_set(SAM_ERR_BACKEND, "bf16 compute needs the built-in kernels, but a BLAS library is selected. HINT: call sam_backend_init(NULL, threads) first (SAM_BLAS_LIB=builtin).");
    else if (precision == SAM_PRECISION_BF16 && !kn_bf16_kernel())
        rc = err_set(SAM_ERR_BACKEND, "this CPU has no AVX512-BF16 instructions, so bf16 compute is not available. HINT: keep the default fp32 precision.");
    else {
        atomic_store(&g_bf16, precision == SAM_PRECISION_BF16);
        if (!atomic_load(&g_blas)) builtin_name(par_threads());
    }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

int sam_backend_set_decode_precision(int32_t precision) {
    if (precision != SAM_DECODE_FP32 && precision != SAM_DECODE_Q8 && precision != SAM_DECODE_Q22)
        return err_set(SAM_ERR_INVALID_ARG, "sam_backend_set_decode_precision: unknown precision %d. HINT: use SAM_DECODE_FP32, SAM_DECODE_Q8 or SAM_DECODE_Q22.", precision);
    const wmat probe = {.kind = WM_Q, .rows = 1, .cols = 64, .bits = 4, .group = 64};
    if (precision == SAM_DECODE_Q8 && !kn_qmatvec_q8_supported(&probe))
        return err_set(SAM_ERR_BACKEND, "this CPU has no int8 decode kernel (x86-64 with AVX2 + FMA), so q8 decode activations are not available. HINT: use SAM_DECODE_FP32, or SAM_DECODE_Q22 (fp32-grade; it computes fp32 where its kernel is missing).");
    atomic_store(&g_decode, precision); /* Q22 is accepted everywhere: products without its kernel run FP32 */
    return SAM_OK;
}

const char *sam_backend_name(void) {
    if (!atomic_load(&g_blas) && !g_initialized) {
        pthread_mutex_lock(&g_lock);
        builtin_name(par_threads());
        pthread_mutex_unlock(&g_lock);
    }
    return g_name;
}

int sam_sgemm(int32_t trans_a, int32_t trans_b, int32_t M, int32_t N, int32_t K, float alpha,
              const float *A, int32_t lda, const float *B, int32_t ldb, float beta, float *C, int32_t ldc) {
    if (M < 0 || N < 0 || K < 0)
        return err_set(SAM_ERR_INVALID_ARG, "sam_sgemm: negative size M=%d N=%d K=%d. HINT: pass the matrix dimensions.", M, N, K);
    if (M == 0 || N == 0) return SAM_OK;
    if (!C || (K > 0 && (!A || !B)))
        return err_set(SAM_ERR_INVALID_ARG, "sam_sgemm: NULL %s. HINT: pass A (M x K), B (K x N) and C (M x N).", !C ? "C" : !A ? "A" : "B");
    const int acols = trans_a ? M : K, bcols = trans_b ? K : N;
    if (lda < (acols > 1 ? acols : 1) || ldb < (bcols > 1 ? bcols : 1) || ldc < N)
        return err_set(SAM_ERR_INVALID_ARG, "sam_sgemm: leading dimensions lda=%d ldb=%d ldc=%d are smaller than a row (%d, %d, %d). "
                       "HINT: row-major leading dimensions are at least the stored row length.", lda, ldb, ldc, acols, bcols, N);
    /* the workspace path the model code uses for its large products (packs op(A) once) */
    const size_t need = kn_gemm_ws_floats(kn_f32_kernel(), M, K), wsf = need < MM_WS_FLOATS ? need : MM_WS_FLOATS;
    float *ws = NULL;
    if (posix_memalign((void **)&ws, 64, wsf * sizeof(float)) != 0)
        return err_set(SAM_ERR_NOMEM, "sam_sgemm: out of memory for a %.1f MiB workspace. HINT: free memory.", (double)wsf * 4 / 1048576.0);
    mm_sgemm_ws(trans_a ? MM_T : MM_N, trans_b ? MM_T : MM_N, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ws, wsf);
    free(ws);
    return SAM_OK;
}

const char *sam_builtin_isa(void) {
    return cpu_isa_name();
}
