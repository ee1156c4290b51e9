/* quant.h — frozen weight matrices in their stored form (fp32, fp16, bf16 or MLX affine-quantized):
 * conversion and dequantization to fp32 (whole rows, row segments, or straight into the GEMM's
 * packed panels). This layer only converts and packs; it never multiplies (the products are in the
 * kernels, chosen by matmul.c) and calls only cpu.h and parallel.h below it. */
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
/* The fp16 -> fp32 table behind q_load_half; every entry point of quant.c initializes it, code that
 * uses q_load_half directly calls quant_init() first. */
void quant_init(void);
extern float q_f16_table[65536];
/* Element i of a half-precision array (fp16 or bf16, unaligned). */
static inline float q_load_half(const uint8_t *p, size_t i, int bf16) {
    uint16_t h;
    __builtin_memcpy(&h, p + 2 * i, 2);
    if (!bf16) return q_f16_table[h];
    const uint32_t b = (uint32_t)h << 16;
    float f;
    __builtin_memcpy(&f, &b, 4);
    return f;
}
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
/* Packing for the built-in GEMM (kernels.h kn_pack_fn) straight from the stored form: rows
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
