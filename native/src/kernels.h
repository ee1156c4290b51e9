/* kernels.h — the compute seam. Model code calls only these; a backend (builtin portable kernels,
 * a CBLAS library loaded at run time, later Accelerate/Metal) implements them.
 * All matrices are row-major. Calls are thread-safe (several generators may run concurrently). */
#ifndef SAM_KERNELS_H
#define SAM_KERNELS_H

#include <stddef.h>

#include "quant.h"

enum { KN_N = 0, KN_T = 1 };

/* C (M,N) = alpha * op(A) (M,K) @ op(B) (K,N) + beta * C, op(X) = X or X^T (ta/tb = KN_T).
 * A is stored (M,K) with leading dimension lda if ta == KN_N, else (K,M); likewise B.
 * beta == 0: C is written without being read. Deterministic for a given backend and thread count
 * (no split of the K dimension across threads). */
void kn_sgemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc);

/* The same with a workspace for packing op(A) once per call (the trainer's large products). */
void kn_sgemm_ws(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                 const float *B, int ldb, float beta, float *C, int ldc, float *ws, size_t ws_floats);

/* C (M,N) = alpha * op(A) (M,K) @ op(W) + beta * C for a weight matrix in stored form (fp32, fp16,
 * bf16, MLX affine-quantized): op(W) = W^T for tw == KN_T (W is (N,K): the linear forward x W^T) and
 * W for tw == KN_N (W is (K,N): the input gradient dy W). The builtin backend dequantizes straight into
 * its packed panels; a BLAS backend converts row tiles of W into ws and calls sgemm, so ws must hold
 * at least one row of W. Results for a quantized W and for its dequantized fp32 copy are identical. */
void kn_wgemm(int ta, int tw, int M, int N, int K, float alpha, const float *A, int lda, const wmat *W,
              float beta, float *C, int ldc, float *ws, size_t ws_floats);

/* Workspace the model code gives kn_sgemm_ws / kn_wgemm (4 MiB): op(A) of 512 rows is packed in
 * slices of ~2000 of its columns. */
#define KN_WS_FLOATS ((size_t)1 << 20)

/* Threads for the library's own parallel loops and the builtin GEMM. */
int kn_threads(void);

/* ---- implementations (not for model code) ---- */
void kn_builtin_sgemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                      const float *B, int ldb, float beta, float *C, int ldc);
const char *kn_builtin_isa(void); /* "avx512", "avx2" or "generic" */
int kn_isa_level(void);           /* 2 avx512, 1 avx2+fma, 0 generic (after the SAM_ISA cap) */
int kn_panel_width(void);         /* NR of the builtin micro-kernel */

/* Packs rows [k0, k0+kc) x cols [j0, j0+n) of op(B) into dst (kc x nr, k-major), columns n..nr zero. */
typedef void (*kn_pack_fn)(const void *src, float *dst, int k0, int kc, int j0, int n, int nr);
/* Optional: starts loading what pack_fn will read for that block (weights stream from memory). */
typedef void (*kn_prefetch_fn)(const void *src, int k0, int kc, int j0, int n);
typedef struct { const float *p; int ld, trans; } kn_f32mat; /* op(B) = trans ? B^T : B */
void kn_pack_b_f32(const void *kn_f32mat_src, float *dst, int k0, int kc, int j0, int n, int nr);
/* Workspace floats for which kn_builtin_gemm_packed packs all of op(A) at once (less also works). */
size_t kn_gemm_ws_floats(int M, int K);
void kn_builtin_gemm_packed(int M, int N, int K, float alpha, const float *A, int lda, int ta, kn_pack_fn pack_b,
                            kn_prefetch_fn prefetch_b, const void *bsrc, float beta, float *C, int ldc, float *ws,
                            size_t ws_floats);

/* bf16 compute (kernels_bf16.c): the same driver with both operands rounded to bf16 while packing and
 * VDPBF16PS products summed in fp32. Used by kn_sgemm_ws / kn_wgemm when sam_backend_set_precision
 * selected it (builtin backend on a CPU with AVX512-BF16). */
int kn_bf16_supported(void);
int kn_bf16_enabled(void);
void kn_bf16_gemm_packed(int M, int N, int K, float alpha, const float *A, int lda, int ta, kn_pack_fn pack_b,
                         kn_prefetch_fn prefetch_b, const void *bsrc, float beta, float *C, int ldc, float *ws,
                         size_t ws_floats);

typedef struct kn_blas kn_blas;
/* dlopen(path) and dlsym cblas_sgemm (+ OpenBLAS extras if present). Never dlclose'd. */
int kn_blas_open(const char *path, kn_blas **out);
void kn_blas_set_threads(kn_blas *b, int n);
void kn_blas_describe(const kn_blas *b, int threads, char *dst, size_t cap);
void kn_blas_sgemm(const kn_blas *b, int ta, int tb, int M, int N, int K, float alpha,
                   const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc);

#endif
