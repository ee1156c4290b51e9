/* quant.h — frozen weight matrices in their stored form (fp32, fp16, bf16 or MLX affine-quantized)
 * and conversion of row tiles to fp32. The model never dequantizes a whole matrix: linears ask
 * for tiles of rows (wmat_rows) into a scratch buffer and multiply them (block.c / layers.c). */
#ifndef SAM_QUANT_H
#define SAM_QUANT_H

#include <stddef.h>
#include <stdint.h>

typedef enum { WM_F32 = 0, WM_F16 = 1, WM_BF16 = 2, WM_Q = 3 } wm_kind; /* == enum sam_dtype */

typedef struct {
    int kind;
    int rows, cols;               /* logical [out, in] */
    const uint8_t *w;             /* F32/F16/BF16: rows*cols elements; Q: rows x (cols*bits/32) u32 */
    const uint8_t *scales, *biases; /* Q: rows x (cols/group) of F16 or BF16 */
    int sb_bf16;                  /* Q: scales/biases are BF16 (else F16) */
    int bits, group;              /* Q only */
    const float *direct;          /* F32 and 4-byte aligned: the matrix itself, no tile copy */
    const char *name;             /* tensor name for messages */
} wmat;

float f16_to_f32(uint16_t h);
float bf16_to_f32(uint16_t h);
uint16_t f32_to_f16(float f);   /* round to nearest even */
uint16_t f32_to_bf16(float f);  /* round to nearest even */

/* Rows [r0, r0+n) of W as fp32 into dst (n, cols). Thread-parallel over rows. */
void wmat_rows(const wmat *W, int r0, int n, float *dst);
/* Dequantizes one MLX affine-quantized row: w[j] = scale[g] * q[j] + bias[g], g = j / group, with
 * q[j] the bits-wide field at bit offset bits*j of the row's little-endian bit stream (for bits 2, 4,
 * 8 this is "element j of a uint32 at bits [bits*j, bits*(j+1)), lowest first"; for 3, 5, 6 MLX packs
 * 8 (or 4) values into 3/5/3 bytes, which is the same bit stream). */
void q_dequant_row(float *dst, const uint8_t *wrow, const uint8_t *srow, const uint8_t *brow,
                   int sb_bf16, int cols, int bits, int group);
int q_bits_supported(int bits);
/* out (M, ldo) = x (M, cols) W^T for a quantized W with M <= Q_SMALL_M, straight from the packed
 * rows (per group: scale * (q . x_g) + bias * sum(x_g)), for token-by-token decoding where
 * converting a tile would cost more than the product itself. scratch: >= cols floats (M * cols
 * used when available). */
#define Q_SMALL_M 8
void q_matmul_small(float *out, int ldo, const float *x, const wmat *W, int M, float *scratch, size_t scratch_floats);
/* Packing for kn_builtin_gemm_packed (kernels.h kn_pack_fn) straight from the stored form: rows
 * [k0, k0+kc) x cols [j0, j0+n) of op(W) into dst (kc x nr, k-major), columns n..nr zero, with the
 * values wmat_rows would produce. wmat_pack_t: op(W) = W^T (x W^T, forward); wmat_pack_n: op(W) = W. */
void wmat_pack_t(const void *W, float *dst, int k0, int kc, int j0, int n, int nr);
void wmat_pack_n(const void *W, float *dst, int k0, int kc, int j0, int n, int nr);
/* kn_prefetch_fn for the two: prefetch what the packer will read for that block. */
void wmat_prefetch_t(const void *W, int k0, int kc, int j0, int n);
void wmat_prefetch_n(const void *W, int k0, int kc, int j0, int n);
/* Rows per conversion tile so that a tile holds at most tile_floats floats. */
int wmat_tile_rows(const wmat *W, size_t tile_floats);
/* 1 if all n half-precision values are finite. */
int half_all_finite(const uint8_t *p, size_t n, int bf16);

#endif
