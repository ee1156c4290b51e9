/* kernels.c — backend selection (sam_backend_init) and the kn_sgemm dispatcher. */
#include "kernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "error.h"

static _Atomic(kn_blas *) g_blas;   /* NULL: builtin */
static atomic_int g_threads;        /* 0: not set, use all cores */
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
    if (b) kn_blas_sgemm(b, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    else kn_builtin_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
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
            kn_blas_set_threads(b, nt);
            atomic_store(&g_threads, nt);
            atomic_store_explicit(&g_blas, b, memory_order_release);
            kn_blas_describe(b, nt, g_name, sizeof g_name);
        }
    } else {
        atomic_store(&g_threads, nt);
        atomic_store_explicit(&g_blas, NULL, memory_order_release);
        snprintf(g_name, sizeof g_name, "builtin (%s) %d thread%s", kn_builtin_isa(), nt, nt == 1 ? "" : "s");
    }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

const char *sam_backend_name(void) {
    if (!atomic_load(&g_blas) && atomic_load(&g_threads) == 0) {
        int nt = default_threads();
        pthread_mutex_lock(&g_lock);
        snprintf(g_name, sizeof g_name, "builtin (%s) %d thread%s", kn_builtin_isa(), nt, nt == 1 ? "" : "s");
        pthread_mutex_unlock(&g_lock);
    }
    return g_name;
}
