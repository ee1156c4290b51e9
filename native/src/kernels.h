/* kernels.h — the compute kernels: the built-in GEMM (one blocked driver for every micro-kernel),
 * the micro-kernels per instruction set and precision, the decode-sized quantized product, and the
 * CBLAS binding. Kernels call nothing above them: only quant.h (weight formats, packers), cpu.h
 * and parallel.h. Which product and which backend runs is decided one layer up, in matmul.c; model
 * code never includes this header. All matrices are row-major. */
#ifndef SAM_KERNELS_H
#define SAM_KERNELS_H

#include <stddef.h>

#include "quant.h"

enum { KN_N = 0, KN_T = 1 };

/* ---- the built-in GEMM (gemm.c) ----
 * GotoBLAS/BLIS structure: a KC-deep slice of op(A) packed into MR-row panels and of op(B) into
 * NR-column panels, then an MR x NR register micro-kernel. A micro-kernel and the packing it needs
 * are described by a kn_gemm_kernel; the drivers are the same for all of them. */
#define KN_KC 256   /* k depth of a packed slice: a 256 x 32 B panel (32 KiB) stays in L1 */
#define KN_MR_MAX 14
#define KN_NR_MAX 32

typedef struct kn_gemm_kernel {
    const char *isa;  /* "avx512", "avx2", "neon", "generic"; "avx512-bf16" */
    int mr, nr;
    int kpack;        /* k values per packed A element: 1 (fp32), 2 (a pair of bf16 in 32 bits) */
    /* rows [i0, i0+m) x cols [p0, p0+kc) of op(A) (ta: A stored transposed) into one MR-row panel of
     * mr * ceil(kc / kpack) 32-bit elements, rows m..mr zero */
    void (*pack_a)(void *dst, const float *A, int lda, int ta, int i0, int m, int p0, int kc, int mr);
    /* an fp32 B panel (kc x nr, k-major) into the micro-kernel's operand format; NULL: used as is */
    void (*convert_b)(void *dst, const float *src, int kc);
    /* C (m x n, m <= mr, n <= nr) = alpha * Ap^T Bp + beta * C over kc values of k (beta == 0: C is
     * not read). Ap, Bp 64-byte aligned. */
    void (*ukr)(int kc, const void *Ap, const void *Bp, float *C, int ldc, int m, int n, float alpha, float beta);
} kn_gemm_kernel;

/* The fp32 micro-kernel for this CPU (kernels_f32.c; cpu_isa() decides). */
const kn_gemm_kernel *kn_f32_kernel(void);
/* The bf16 micro-kernel (kernels_bf16.c): AVX512-BF16 VDPBF16PS, fp32 sums; NULL without it. */
const kn_gemm_kernel *kn_bf16_kernel(void);

/* Packs rows [k0, k0+kc) x cols [j0, j0+n) of op(B) into dst (kc x nr, k-major), columns n..nr zero. */
typedef void (*kn_pack_fn)(const void *src, float *dst, int k0, int kc, int j0, int n, int nr);
/* Optional: starts loading what pack_fn will read for that block (weights stream from memory). */
typedef void (*kn_prefetch_fn)(const void *src, int k0, int kc, int j0, int n);
typedef struct { const float *p; int ld, trans; } kn_f32mat; /* op(B) = trans ? B^T : B */
void kn_pack_b_f32(const void *kn_f32mat_src, float *dst, int k0, int kc, int j0, int n, int nr);

/* Workspace driver (the large products): op(A) — the activations — is packed once per call into the
 * caller's workspace ws, shared by the threads; op(B) panels come from pack_b (fp32 memory, or a
 * weight matrix in its stored form: dequantization fused into packing) into a per-thread L1-sized
 * buffer. Tasks own column blocks of C and run the whole K range: every element of C is accumulated
 * by one thread in a fixed order, so results are bitwise independent of the thread count, the
 * schedule and the workspace size, and equal for every B source that yields the same values. */
void kn_gemm_packed(const kn_gemm_kernel *k, int M, int N, int K, float alpha, const float *A, int lda, int ta,
                    kn_pack_fn pack_b, kn_prefetch_fn prefetch_b, const void *bsrc, float beta, float *C, int ldc,
                    float *ws, size_t ws_floats);
/* Workspace floats with which kn_gemm_packed packs all of op(A) at once (less also works). */
size_t kn_gemm_ws_floats(const kn_gemm_kernel *k, int M, int K);
/* Stack driver (any transposes, panels on the stack, no workspace; fp32 kernels): the smaller
 * products (attention per head, LoRA). Same determinism rule. */
void kn_gemm_stack(const kn_gemm_kernel *k, int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                   const float *B, int ldb, float beta, float *C, int ldc);

/* ---- decode-sized quantized product (qmatvec.c) ----
 * out (M, ldo) = x (M, cols) W^T for a 4/8-bit W and M <= KN_SMALL_M, reading the packed rows once.
 * scratch: >= cols floats (M * cols used when available). */
#define KN_SMALL_M 8
void kn_qmatvec(float *out, int ldo, const float *x, const wmat *W, int M, float *scratch, size_t scratch_floats);
/* The same product with int8 activations (qmatvec_q8.c; llama.cpp's Q8 activations): x quantized per
 * block of 32 (scale max|x|/127), the 4-bit fields multiplied as integers, the rounding error's
 * mean part corrected exactly; error bound in the file.
 * Only where kn_qmatvec_q8_supported(W) (x86 with AVX2, 4-bit, group % 32 == 0, cols % 64 == 0).
 * Any M (prefill too): as many rows of x per pass over W as the scratch holds, W read in tiles of 8 rows
 * that every 4 rows of x use while they are in L1.
 * scratch: >= kn_qmatvec_q8_scratch_floats(1, cols, group) floats (for M rows at once: (M, ...)). */
int kn_qmatvec_q8_supported(const wmat *W);
size_t kn_qmatvec_q8_scratch_floats(int M, int K, int G);
void kn_qmatvec_q8(float *out, int ldo, const float *x, const wmat *W, int M, float *scratch, size_t scratch_floats);
/* One row of x (decode) with its activations in three int8 planes (qmatvec_q8.c, SAM_DECODE_Q22): each block
 * of 32 kept to max|x| * 2^-22 (fp32 keeps 2^-24 of each value), the 4-bit fields multiplied as integers as
 * in kn_qmatvec_q8 — fp32-grade results at close to the int8 kernel's speed. Error bound in the file.
 * Only where kn_qmatvec_q22_supported(W) (x86 with AVX2 + F16C or arm64 NEON, 4-bit, group % 64 == 0, cols % 64 == 0)
 * and scratch_floats >= kn_qmatvec_q22_scratch_floats(cols, group). */
int kn_qmatvec_q22_supported(const wmat *W);
size_t kn_qmatvec_q22_scratch_floats(int K, int G);
void kn_qmatvec_q22(float *out, const float *x, const wmat *W, float *scratch, size_t scratch_floats);

/* ---- CBLAS loaded at run time (kernels_blas.c) ---- */
typedef struct kn_blas kn_blas;
/* dlopen(path) and dlsym cblas_sgemm (+ OpenBLAS extras if present). Never dlclose'd. */
int kn_blas_open(const char *path, kn_blas **out);
/* Apple's Accelerate (macOS builds only; elsewhere SAM_ERR_BACKEND). */
int kn_blas_accelerate(kn_blas **out);
/* 1 if the library runs its own threads and must get whole products (Accelerate). */
int kn_blas_own_threads(const kn_blas *b);
void kn_blas_set_threads(kn_blas *b, int n);
void kn_blas_describe(const kn_blas *b, int threads, char *dst, size_t cap);
void kn_blas_sgemm(const kn_blas *b, int ta, int tb, int M, int N, int K, float alpha,
                   const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc);

#endif
