/* cpu.h — which instruction set the library's kernels may use on this CPU (bottom layer: calls
 * nothing else in the library). x86-64: AVX-512 / AVX2+FMA / generic, chosen at run time (the
 * library is built for x86-64-v2). arm64: NEON is part of the base ISA, so it is always there.
 * SAM_ISA=avx2|generic (x86-64) or SAM_ISA=generic (arm64) in the environment caps the choice, so
 * one machine runs and tests every path. */
#ifndef SAM_CPU_H
#define SAM_CPU_H

typedef enum { ISA_GENERIC = 0, ISA_AVX2 = 1, ISA_AVX512 = 2, ISA_NEON = 3 } cpu_isa_t;

#if defined(__x86_64__) && defined(__GNUC__)
#define SAM_X86 1
#endif
#if defined(__aarch64__) && defined(__ARM_NEON)
#define SAM_NEON 1
#endif

cpu_isa_t cpu_isa(void);          /* after the SAM_ISA cap */
const char *cpu_isa_name(void);   /* "avx512", "avx2", "neon" or "generic" */
int cpu_has_avx2_fma(void);       /* uncapped: the decode dot products use it whatever the cap */
int cpu_has_f16c(void);           /* uncapped: fp16 <-> fp32 conversion 8 at a time (AVX2 CPUs all have it) */
int cpu_has_avx512_bf16(void);    /* uncapped: AVX512F + AVX512-BF16 (the opt-in bf16 GEMM) */
int cpu_has_avx512_vnni(void);    /* uncapped: AVX512-VNNI + AVX512VL (the int8 decode products) */

#endif
