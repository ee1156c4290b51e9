/* simd_neon.h — NEON helpers shared by the dequantizing code (quant.c) and the decode mat-vec
 * (qmatvec.c) on arm64, so both produce the same weight values: scale * q, rounded, then + bias,
 * rounded (no fused multiply-add), exactly as the scalar reference q_dequant_row. */
#ifndef SAM_SIMD_NEON_H
#define SAM_SIMD_NEON_H
#include "cpu.h"
#ifdef SAM_NEON
#include <arm_neon.h>
#include <stdint.h>

/* 4-bit: 8 bytes -> 16 values, the low nibble of byte k first (element 2k), then the high one. */
static inline uint8x16_t nib16_neon(const uint8_t *p) {
    const uint8x8_t v = vld1_u8(p);
    const uint8x8x2_t z = vzip_u8(vand_u8(v, vdup_n_u8(15)), vshr_n_u8(v, 4));
    return vcombine_u8(z.val[0], z.val[1]);
}

/* 16 quantized values -> w[i] = scale * q + bias, four vectors of 4, elements in order. */
static inline void dq16_neon(float32x4_t w[4], uint8x16_t q, float32x4_t s, float32x4_t b) {
    const uint16x8_t lo = vmovl_u8(vget_low_u8(q)), hi = vmovl_u8(vget_high_u8(q));
    w[0] = vaddq_f32(vmulq_f32(s, vcvtq_f32_u32(vmovl_u16(vget_low_u16(lo)))), b);
    w[1] = vaddq_f32(vmulq_f32(s, vcvtq_f32_u32(vmovl_u16(vget_high_u16(lo)))), b);
    w[2] = vaddq_f32(vmulq_f32(s, vcvtq_f32_u32(vmovl_u16(vget_low_u16(hi)))), b);
    w[3] = vaddq_f32(vmulq_f32(s, vcvtq_f32_u32(vmovl_u16(vget_high_u16(hi)))), b);
}

#endif
#endif
