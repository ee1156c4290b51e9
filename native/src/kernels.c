/* kernels.c — backend selection (sam_backend_init) and the kn_sgemm dispatcher. */
#include "kernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "error.h"

static _Atomic(kn_blas *) g_blas;   /* NULL: builtin */
static atomic_int g_threads;        /* 0: not set, use all cores */
static atomic_int g_bf16;           /* 1: kn_sgemm_ws / kn_wgemm compute in bf16 (builtin only) */
static char g_name[512] = "builtin";
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

static int default_threads(void) {
#ifdef _OPENMP
    return omp_get_num_procs();
#else
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
#endif
}

int kn_threads(void) {
    int n = atomic_load_explicit(&g_threads, memory_order_relaxed);
    return n > 0 ? n : default_threads();
}

void kn_sgemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) C[(size_t)i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[(size_t)i * ldc + j];
        return;
    }
    kn_blas *b = atomic_load_explicit(&g_blas, memory_order_acquire);
    if (!b) {
        kn_builtin_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
#ifdef _OPENMP
    /* One thread pool: the BLAS runs single-threaded inside OpenMP threads, each on a slice of C
     * (columns, or rows when C is narrow). Two spinning pools (libgomp's and OpenBLAS's) on the same
     * cores slow each other down by an order of magnitude. Slices never split K: deterministic. */
    const int nt = kn_threads();
    if (nt > 1 && (double)M * N * K >= 262144.0 && (N >= 64 * nt || M >= 64 * nt)) {
        const int by_cols = N >= 64 * nt, len = by_cols ? N : M;
        const int q = 16, chunk = ((len + nt - 1) / nt + q - 1) / q * q; /* slices aligned to 16 */
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
        for (int s = 0; s < nt; s++) {
            const int o = s * chunk, n = len - o < chunk ? len - o : chunk;
            if (n <= 0) continue;
            if (by_cols)
                kn_blas_sgemm(b, ta, tb, M, n, K, alpha, A, lda, tb ? B + (size_t)o * ldb : B + o, ldb, beta, C + o, ldc);
            else
                kn_blas_sgemm(b, ta, tb, n, N, K, alpha, ta ? A + o : A + (size_t)o * lda, lda, B, ldb, beta, C + (size_t)o * ldc, ldc);
        }
        return;
    }
#endif
    kn_blas_sgemm(b, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void kn_sgemm_ws(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                 const float *B, int ldb, float beta, float *C, int ldc, float *ws, size_t ws_floats) {
    if (M <= 0 || N <= 0 || K <= 0 || atomic_load_explicit(&g_blas, memory_order_acquire)) {
        kn_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    const kn_f32mat b = {B, ldb, tb};
    (kn_bf16_enabled() ? kn_bf16_gemm_packed : kn_builtin_gemm_packed)(M, N, K, alpha, A, lda, ta, kn_pack_b_f32, NULL,
                                                                       &b, beta, C, ldc, ws, ws_floats);
}

void kn_wgemm(int ta, int tw, int M, int N, int K, float alpha, const float *A, int lda, const wmat *W,
              float beta, float *C, int ldc, float *ws, size_t ws_floats) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0 || W->direct) {
        kn_sgemm_ws(ta, tw, M, N, K, alpha, A, lda, W->direct, W->cols, beta, C, ldc, ws, ws_floats);
        return;
    }
    if (!atomic_load_explicit(&g_blas, memory_order_acquire)) {
        (kn_bf16_enabled() ? kn_bf16_gemm_packed : kn_builtin_gemm_packed)(
            M, N, K, alpha, A, lda, ta, tw ? wmat_pack_t : wmat_pack_n, tw ? wmat_prefetch_t : wmat_prefetch_n, W, beta, C,
            ldc, ws, ws_floats);
        return;
    }
    /* BLAS: convert row tiles of W into ws and multiply them (rows of W are columns of C for the
     * forward, a K range for the input gradient) */
    const int tr = wmat_tile_rows(W, ws_floats);
    for (int r0 = 0; r0 < W->rows; r0 += tr) {
        const int n = W->rows - r0 < tr ? W->rows - r0 : tr;
        wmat_rows(W, r0, n, ws);
        if (tw)
            kn_sgemm(ta, KN_T, M, n, K, alpha, A, lda, ws, K, beta, C + r0, ldc);
        else
            kn_sgemm(ta, KN_N, M, N, n, alpha, ta ? A + (size_t)r0 * lda : A + r0, lda, ws, N, r0 == 0 ? beta : 1.0f, C, ldc);
    }
}

int kn_bf16_enabled(void) {
    return atomic_load_explicit(&g_bf16, memory_order_relaxed);
}

/* Called under g_lock. */
static void builtin_name(int nt) {
    snprintf(g_name, sizeof g_name, "builtin (%s%s) %d thread%s", kn_builtin_isa(), atomic_load(&g_bf16) ? ", bf16" : "",
             nt, nt == 1 ? "" : "s");
}

/* ---- public ---- */

int sam_backend_init(const char *blas_library, int num_threads) {
    int nt = num_threads > 0 ? num_threads : default_threads();
    if (num_threads > 4096)
        return err_set(SAM_ERR_INVALID_ARG, "num_threads %d is out of range. HINT: pass 0 for all cores or a small positive count.", num_threads);
    pthread_mutex_lock(&g_lock);
    int rc = SAM_OK;
    if (blas_library && blas_library[0]) {
        kn_blas *b;
        rc = kn_blas_open(blas_library, &b);
        if (rc == SAM_OK) {
#ifdef _OPENMP
            kn_blas_set_threads(b, 1); /* kn_sgemm parallelizes over slices with OpenMP */
#else
            kn_blas_set_threads(b, nt);
#endif
            atomic_store(&g_threads, nt);
            atomic_store(&g_bf16, 0); /* bf16 is a property of the built-in kernels */
            atomic_store_explicit(&g_blas, b, memory_order_release);
            kn_blas_describe(b, nt, g_name, sizeof g_name);
        }
    } else {
        atomic_store(&g_threads, nt);
        atomic_store_explicit(&g_blas, NULL, memory_order_release);
        builtin_name(nt);
    }
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
    else if (precision == SAM_PRECISION_BF16 && !kn_bf16_supported())
        rc = err_set(SAM_ERR_BACKEND, "this CPU has no AVX512-BF16 instructions, so bf16 compute is not available. HINT: keep the default fp32 precision.");
    else {
        atomic_store(&g_bf16, precision == SAM_PRECISION_BF16);
        if (!atomic_load(&g_blas)) builtin_name(atomic_load(&g_threads) > 0 ? atomic_load(&g_threads) : default_threads());
    }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

const char *sam_backend_name(void) {
    if (!atomic_load(&g_blas) && atomic_load(&g_threads) == 0) {
        pthread_mutex_lock(&g_lock);
        builtin_name(default_threads());
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
    const size_t wsf = kn_gemm_ws_floats(M, K) < KN_WS_FLOATS ? kn_gemm_ws_floats(M, K) : KN_WS_FLOATS;
    float *ws = NULL;
    if (posix_memalign((void **)&ws, 64, wsf * sizeof(float)) != 0)
        return err_set(SAM_ERR_NOMEM, "sam_sgemm: out of memory for a %.1f MiB workspace. HINT: free memory.", (double)wsf * 4 / 1048576.0);
    kn_sgemm_ws(trans_a ? KN_T : KN_N, trans_b ? KN_T : KN_N, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ws, wsf);
    free(ws);
    return SAM_OK;
}

const char *sam_builtin_isa(void) {
    return kn_builtin_isa();
}
