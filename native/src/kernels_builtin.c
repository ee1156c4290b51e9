/* kernels_builtin.c — portable blocked SGEMM (GotoBLAS/BLIS structure: pack a KC x NC panel of B
 * and an MC x KC block of A, then an MR x NR register micro-kernel). Micro-kernels are written with
 * GCC vector extensions and compiled per ISA with target attributes; the best one is chosen once at
 * run time, so the library itself is built for a portable baseline.
 * Threads split N blocks (or M blocks when C is narrow), never K: every element of C is accumulated
 * by one thread in a fixed order, so results are bitwise independent of the thread count.
 * Packing buffers live on the stack (192 KiB) so concurrent callers need no shared state and the
 * step loop never allocates. This file is compiled with -ffp-contract=fast (FMA). */
#include "kernels.h"

#include <pthread.h>
#include <string.h>

#define KC 256
#define MC 64
#define NC 128

typedef void (*ukr_fn)(int kc, const float *Ap, const float *Bp, float *C, int ldc, int m, int n,
                       float alpha, float beta);
typedef struct { int mr, nr; ukr_fn f; const char *isa; } ukr_desc;

/* C (m x n, m <= MR, n <= NR) = alpha * Ap^T Bp + beta * C (beta == 0: C not read).
 * Ap: kc x MR (k-major), Bp: kc x NR (k-major), both 64-byte aligned. */
#define DEFINE_UKR(NAME, ATTR, VW, MR, NV)                                                         \
    typedef float NAME##_v __attribute__((vector_size(VW * 4)));                                   \
    typedef float NAME##_vu __attribute__((vector_size(VW * 4), aligned(4)));                      \
    ATTR static void NAME(int kc, const float *restrict Ap, const float *restrict Bp,              \
                          float *restrict C, int ldc, int m, int n, float alpha, float beta) {     \
        enum { NR = VW * NV };                                                                     \
        NAME##_v acc[MR][NV];                                                                      \
        _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++)                                      \
        _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) acc[i][v] = (NAME##_v){0};            \
        for (int k = 0; k < kc; k++) {                                                             \
            NAME##_v b[NV];                                                                        \
            _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++)                                   \
                b[v] = *(const NAME##_v *)(Bp + (size_t)k * NR + v * VW);                          \
            _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {                                \
                NAME##_v a = (NAME##_v){0} + Ap[(size_t)k * MR + i];                               \
                _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) acc[i][v] += a * b[v];        \
            }                                                                                      \
        }                                                                                          \
        if (m == MR && n == NR) {                                                                  \
            _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++)                                  \
            _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) {                                 \
                NAME##_vu *c = (NAME##_vu *)(C + (size_t)i * ldc + v * VW);                        \
                if (beta == 0.0f) *c = alpha * acc[i][v];                                          \
                else *c = alpha * acc[i][v] + beta * *c;                                           \
            }                                                                                      \
            return;                                                                                \
        }                                                                                          \
        float tmp[MR * NR] __attribute__((aligned(64)));                                           \
        for (int i = 0; i < MR; i++)                                                               \
            for (int v = 0; v < NV; v++) *(NAME##_v *)(tmp + i * NR + v * VW) = acc[i][v];         \
        for (int i = 0; i < m; i++)                                                                \
            for (int j = 0; j < n; j++) {                                                          \
                float *c = C + (size_t)i * ldc + j;                                                \
                *c = beta == 0.0f ? alpha * tmp[i * NR + j] : alpha * tmp[i * NR + j] + beta * *c; \
            }                                                                                      \
    }

DEFINE_UKR(ukr_generic, , 4, 4, 2)
#if defined(__x86_64__) && defined(__GNUC__)
DEFINE_UKR(ukr_avx2, __attribute__((target("avx2,fma"))), 8, 6, 2)
DEFINE_UKR(ukr_avx512, __attribute__((target("avx512f,fma"))), 16, 8, 2)
#endif

static ukr_desc g_ukr;
static pthread_once_t g_ukr_once = PTHREAD_ONCE_INIT;

static void ukr_select(void) {
    g_ukr = (ukr_desc){4, 8, ukr_generic, "generic"};
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) g_ukr = (ukr_desc){8, 32, ukr_avx512, "avx512"};
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) g_ukr = (ukr_desc){6, 16, ukr_avx2, "avx2"};
#endif
}

const char *kn_builtin_isa(void) {
    pthread_once(&g_ukr_once, ukr_select);
    return g_ukr.isa;
}

/* Packs rows [i0, i0+mc) x cols [p0, p0+kc) of op(A) into MR-row panels (k-major), zero-padded.
 * Reads are contiguous in memory for both layouts; writes go to the cache-resident buffer. */
static void pack_a(float *Ap, const float *A, int lda, int ta, int i0, int mc, int p0, int kc, int mr) {
    for (int ip = 0; ip < mc; ip += mr) {
        const int m = mc - ip < mr ? mc - ip : mr;
        float *dst = Ap + (size_t)ip * kc;
        if (!ta) {
            for (int i = 0; i < m; i++) {
                const float *src = A + (size_t)(i0 + ip + i) * lda + p0;
                for (int k = 0; k < kc; k++) dst[(size_t)k * mr + i] = src[k];
            }
        } else {
            for (int k = 0; k < kc; k++) memcpy(dst + (size_t)k * mr, A + (size_t)(p0 + k) * lda + i0 + ip, (size_t)m * sizeof(float));
        }
        if (m < mr)
            for (int k = 0; k < kc; k++)
                for (int i = m; i < mr; i++) dst[(size_t)k * mr + i] = 0.0f;
    }
}

/* Packs rows [p0, p0+kc) x cols [j0, j0+nc) of op(B) into NR-column panels (k-major), zero-padded. */
static void pack_b(float *Bp, const float *B, int ldb, int tb, int p0, int kc, int j0, int nc, int nr) {
    for (int jp = 0; jp < nc; jp += nr) {
        const int n = nc - jp < nr ? nc - jp : nr;
        float *dst = Bp + (size_t)jp * kc;
        if (!tb) {
            for (int k = 0; k < kc; k++) memcpy(dst + (size_t)k * nr, B + (size_t)(p0 + k) * ldb + j0 + jp, (size_t)n * sizeof(float));
        } else {
            for (int j = 0; j < n; j++) {
                const float *src = B + (size_t)(j0 + jp + j) * ldb + p0;
                for (int k = 0; k < kc; k++) dst[(size_t)k * nr + j] = src[k];
            }
        }
        if (n < nr)
            for (int k = 0; k < kc; k++)
                for (int j = n; j < nr; j++) dst[(size_t)k * nr + j] = 0.0f;
    }
}

/* C block rows [i0, i0+mc) x cols [j0, j0+nc) from packed Ap (mc x kc) and Bp (kc x nc). */
static void macro_kernel(const ukr_desc *u, int kc, const float *Ap, const float *Bp, float *C, int ldc,
                         int i0, int mc, int j0, int nc, float alpha, float beta) {
    for (int jr = 0; jr < nc; jr += u->nr) {
        const int n = nc - jr < u->nr ? nc - jr : u->nr;
        for (int ir = 0; ir < mc; ir += u->mr) {
            const int m = mc - ir < u->mr ? mc - ir : u->mr;
            u->f(kc, Ap + (size_t)ir * kc, Bp + (size_t)jr * kc, C + (size_t)(i0 + ir) * ldc + j0 + jr, ldc, m, n, alpha, beta);
        }
    }
}

void kn_builtin_sgemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                      const float *B, int ldb, float beta, float *C, int ldc) {
    pthread_once(&g_ukr_once, ukr_select);
    const ukr_desc u = g_ukr;
    const int mcb = (MC / u.mr) * u.mr;
    const int nmb = (M + mcb - 1) / mcb, nnb = (N + NC - 1) / NC;
    const double work = (double)M * N * K;
    const int nt = work < 262144.0 ? 1 : kn_threads();
    /* Tasks own whole N blocks (pack B once, sweep all M blocks) unless C is too narrow to feed the
     * threads; then they own M blocks. Either way each panel is packed once per task. */
    const int by_n = nnb >= nt || nnb >= nmb;
    const int ntask = by_n ? nnb : nmb;
    (void)nt;
    for (int pc = 0; pc < K; pc += KC) {
        const int kc = K - pc < KC ? K - pc : KC;
        const float bk = pc == 0 ? beta : 1.0f;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nt > 1 && ntask > 1)
        for (int task = 0; task < ntask; task++) {
            float Ap[MC * KC] __attribute__((aligned(64)));
            float Bp[KC * NC] __attribute__((aligned(64)));
            if (by_n) {
                const int j0 = task * NC, nc = N - j0 < NC ? N - j0 : NC;
                pack_b(Bp, B, ldb, tb, pc, kc, j0, nc, u.nr);
                for (int ib = 0; ib < nmb; ib++) {
                    const int i0 = ib * mcb, mc = M - i0 < mcb ? M - i0 : mcb;
                    pack_a(Ap, A, lda, ta, i0, mc, pc, kc, u.mr);
                    macro_kernel(&u, kc, Ap, Bp, C, ldc, i0, mc, j0, nc, alpha, bk);
                }
            } else {
                const int i0 = task * mcb, mc = M - i0 < mcb ? M - i0 : mcb;
                pack_a(Ap, A, lda, ta, i0, mc, pc, kc, u.mr);
                for (int jb = 0; jb < nnb; jb++) {
                    const int j0 = jb * NC, nc = N - j0 < NC ? N - j0 : NC;
                    pack_b(Bp, B, ldb, tb, pc, kc, j0, nc, u.nr);
                    macro_kernel(&u, kc, Ap, Bp, C, ldc, i0, mc, j0, nc, alpha, bk);
                }
            }
        }
    }
}
