/* matmul.h — the one dispatch layer between the model and the kernels: it decides which product
 * (workspace GEMM, stack GEMM, weight GEMM with dequantization fused into packing, decode mat-vec)
 * and which backend (built-in kernels in fp32 or bf16, a CBLAS library loaded at run time, Apple
 * Accelerate) computes each multiplication. Model code (layers.c, block.c, ...) calls only these;
 * the kernels below never call back up. Calls are thread-safe (several generators may run
 * concurrently). All matrices are row-major. Backend selection: sam_backend_init (samtrain.h). */
#ifndef SAM_MATMUL_H
#define SAM_MATMUL_H

#include <stddef.h>

#include "quant.h"

enum { MM_N = 0, MM_T = 1 };

/* C (M,N) = alpha * op(A) (M,K) @ op(B) (K,N) + beta * C, op(X) = X or X^T (ta/tb = MM_T).
 * A is stored (M,K) with leading dimension lda if ta == MM_N, else (K,M); likewise B.
 * beta == 0: C is written without being read. Deterministic for a given backend and thread count
 * (no split of the K dimension across threads). */
void mm_sgemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc);

/* The same with a workspace for packing op(A) once per call (the trainer's large products). */
void mm_sgemm_ws(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                 const float *B, int ldb, float beta, float *C, int ldc, float *ws, size_t ws_floats);

/* C (M,N) = alpha * op(A) (M,K) @ op(W) + beta * C for a weight matrix in stored form (fp32, fp16,
 * bf16, MLX affine-quantized): op(W) = W^T for tw == MM_T (W is (N,K): the linear forward x W^T) and
 * W for tw == MM_N (W is (K,N): the input gradient dy W). The built-in backend dequantizes straight
 * into its packed panels; a BLAS backend converts row tiles of W into ws and calls sgemm, so ws must
 * hold at least one row of W. Results for a quantized W and for its dequantized fp32 copy are identical. */
void mm_wgemm(int ta, int tw, int M, int N, int K, float alpha, const float *A, int lda, const wmat *W,
              float beta, float *C, int ldc, float *ws, size_t ws_floats);

/* out (M, ldo) = x (M, W->cols) W^T: for a 4/8-bit W and at most MM_DECODE_M rows (token-by-token
 * decoding) the mat-vec kernel that reads the packed weights once, else mm_wgemm. */
#define MM_DECODE_M 8
void mm_linear(float *out, int ldo, const float *x, const wmat *W, int M, float *ws, size_t ws_floats);

/* Workspace the model code gives mm_sgemm_ws / mm_wgemm (4 MiB): op(A) of 512 rows is packed in
 * slices of ~2000 of its columns. */
#define MM_WS_FLOATS ((size_t)1 << 20)

/* Marks the calling thread's products as generation (generate.c, around its forward passes): there,
 * with sam_backend_set_decode_precision(SAM_DECODE_Q8), mm_linear multiplies 4-bit weights with int8
 * activations in its decode-sized products (M <= MM_DECODE_M: every decoded token, prompts of at most
 * that many tokens). Training and evaluation never do. */
void mm_generation_scope(int on);

/* 1 while sam_backend_set_precision(SAM_PRECISION_BF16) is in effect. */
int mm_bf16_enabled(void);

#endif
