/* kernels.h — the compute seam. Model code calls only these; a backend (builtin portable kernels,
 * a CBLAS library loaded at run time, later Accelerate/Metal) implements them.
 * All matrices are row-major. Calls are thread-safe (several generators may run concurrently). */
#ifndef SAM_KERNELS_H
#define SAM_KERNELS_H

#include <stddef.h>

enum { KN_N = 0, KN_T = 1 };

/* C (M,N) = alpha * op(A) (M,K) @ op(B) (K,N) + beta * C, op(X) = X or X^T (ta/tb = KN_T).
 * A is stored (M,K) with leading dimension lda if ta == KN_N, else (K,M); likewise B.
 * beta == 0: C is written without being read. Deterministic for a given backend and thread count
 * (no split of the K dimension across threads). */
void kn_sgemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc);

/* Threads for the library's own parallel loops and the builtin GEMM. */
int kn_threads(void);

/* ---- implementations (not for model code) ---- */
void kn_builtin_sgemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                      const float *B, int ldb, float beta, float *C, int ldc);
const char *kn_builtin_isa(void); /* "avx512", "avx2" or "generic" */

typedef struct kn_blas kn_blas;
/* dlopen(path) and dlsym cblas_sgemm (+ OpenBLAS extras if present). Never dlclose'd. */
int kn_blas_open(const char *path, kn_blas **out);
void kn_blas_set_threads(kn_blas *b, int n);
void kn_blas_describe(const kn_blas *b, int threads, char *dst, size_t cap);
void kn_blas_sgemm(const kn_blas *b, int ta, int tb, int M, int N, int K, float alpha,
                   const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc);

#endif
