/* cpu.c — instruction-set detection and the SAM_ISA cap (see cpu.h). */
#include "cpu.h"

#include <pthread.h>
#include <stdatomic.h>
#ifdef SAM_X86
#include <cpuid.h>
#endif
#include <stdlib.h>
#include <string.h>

static cpu_isa_t g_isa;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void detect(void) {
    const char *cap = getenv("SAM_ISA");
    const int generic = cap && strcmp(cap, "generic") == 0;
    g_isa = ISA_GENERIC;
#ifdef SAM_X86
    const int max = !cap || !cap[0] ? 2 : generic ? 0 : strcmp(cap, "avx2") == 0 ? 1 : 2;
    __builtin_cpu_init();
    if (max >= 2 && __builtin_cpu_supports("avx512f")) g_isa = ISA_AVX512;
    else if (max >= 1 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) g_isa = ISA_AVX2;
#elif defined(SAM_NEON)
    if (!generic) g_isa = ISA_NEON;
#else
    (void)generic;
#endif
}

cpu_isa_t cpu_isa(void) {
    pthread_once(&g_once, detect);
    return g_isa;
}

const char *cpu_isa_name(void) {
    static const char *const names[] = {"generic", "avx2", "avx512", "neon"};
    return names[cpu_isa()];
}

int cpu_has_avx2_fma(void) {
#ifdef SAM_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int cpu_has_f16c(void) {
#ifdef SAM_X86
    /* CPUID leaf 1, ECX bit 29 (clang 14's __builtin_cpu_supports does not know "f16c"); the AVX state
     * it needs is implied by the AVX2 check its callers make first */
    static atomic_int known = -1; /* CPUID traps to the hypervisor in a VM: ask once */
    int v = atomic_load_explicit(&known, memory_order_relaxed);
    if (v < 0) {
        unsigned a, b, c, d;
        v = __get_cpuid(1, &a, &b, &c, &d) && (c >> 29 & 1);
        atomic_store_explicit(&known, v, memory_order_relaxed);
    }
    return v;
#else
    return 0;
#endif
}

int cpu_has_avx512_bf16(void) {
#ifdef SAM_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
#else
    return 0;
#endif
}

int cpu_has_avx512_vnni(void) {
#ifdef SAM_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}
