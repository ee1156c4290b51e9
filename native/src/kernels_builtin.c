/* kernels_builtin.c — portable blocked SGEMM (GotoBLAS/BLIS structure: pack a KC-deep slice of op(A)
 * into MR-row panels and of op(B) into NR-column panels, then an MR x NR register micro-kernel).
 * Micro-kernels are written per ISA (AVX-512 and AVX2+FMA intrinsics, generic GCC vector extensions)
 * under target attributes and chosen once at run time, so the library itself is built for a portable
 * baseline (x86-64-v2). SAM_ISA=avx2|generic caps the choice (tests, benchmarks).
 *
 * Two drivers:
 *  - kn_builtin_gemm_packed: the trainer's large products. op(A) (activations) is packed once per
 *    call into a caller-provided workspace, shared by the threads; op(B) panels come from a packer
 *    (fp32 memory here, or straight from a quantized/fp16 weight matrix in quant.c: dequantization
 *    fused into packing) into a per-thread L1-sized buffer. Tasks own column blocks of C and run the
 *    whole K range, so every element of C is accumulated by one thread in a fixed order: results are
 *    bitwise independent of the thread count and the schedule, and equal for every B source that
 *    yields the same values.
 *  - kn_builtin_sgemm: any transposes, no workspace (panels on the stack), for the smaller products
 *    (attention per head, LoRA). Same determinism rule.
 * This file is compiled with -ffp-contract=fast (FMA). */
#include "kernels.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#define KC 256  /* k depth of a packed slice: a 256 x 32 B panel (32 KiB) stays in L1 */
#define MC 96   /* rows per A block in the stack driver */
#define NC 128  /* columns per B block in the stack driver */
#define NR_MAX 32
#define MR_MAX 14

typedef void (*ukr_fn)(int kc, const float *Ap, const float *Bp, float *C, int ldc, int m, int n,
                       float alpha, float beta);
typedef struct { int mr, nr; ukr_fn f; const char *isa; int level; } ukr_desc;

/* ---- micro-kernels: C (m x n, m <= MR, n <= NR) = alpha * Ap^T Bp + beta * C (beta == 0: C not read).
 * Ap: kc x MR (k-major), Bp: kc x NR (k-major), both 64-byte aligned. ---- */

typedef float v4f __attribute__((vector_size(16)));
static void ukr_generic(int kc, const float *restrict Ap, const float *restrict Bp, float *restrict C, int ldc,
                        int m, int n, float alpha, float beta) {
    enum { MR = 4, NR = 8 };
    v4f acc[MR][2];
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = (v4f){0, 0, 0, 0};
    for (int k = 0; k < kc; k++) {
        v4f b0, b1;
        memcpy(&b0, Bp + (size_t)k * NR, 16);
        memcpy(&b1, Bp + (size_t)k * NR + 4, 16);
        for (int i = 0; i < MR; i++) {
            const float a = Ap[(size_t)k * MR + i];
            acc[i][0] += (v4f){a, a, a, a} * b0;
            acc[i][1] += (v4f){a, a, a, a} * b1;
        }
    }
    float tmp[MR * NR];
    for (int i = 0; i < MR; i++) {
        memcpy(tmp + i * NR, &acc[i][0], 16);
        memcpy(tmp + i * NR + 4, &acc[i][1], 16);
    }
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float *c = C + (size_t)i * ldc + j;
            *c = beta == 0.0f ? alpha * tmp[i * NR + j] : alpha * tmp[i * NR + j] + beta * *c;
        }
}

#if defined(__x86_64__) && defined(__GNUC__)
/* AVX2 + FMA: 6 x 16 (12 accumulators, 2 B vectors, 1 broadcast of 16 ymm registers). */
__attribute__((target("avx2,fma"))) static void ukr_avx2(int kc, const float *restrict Ap, const float *restrict Bp,
                                                          float *restrict C, int ldc, int m, int n, float alpha,
                                                          float beta) {
    enum { MR = 6, NR = 16 };
    __m256 c[MR][2];
    for (int i = 0; i < MR; i++) c[i][0] = c[i][1] = _mm256_setzero_ps();
#pragma GCC unroll 2
    for (int k = 0; k < kc; k++) {
        const __m256 b0 = _mm256_load_ps(Bp + (size_t)k * NR), b1 = _mm256_load_ps(Bp + (size_t)k * NR + 8);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            const __m256 a = _mm256_broadcast_ss(Ap + (size_t)k * MR + i);
            c[i][0] = _mm256_fmadd_ps(a, b0, c[i][0]);
            c[i][1] = _mm256_fmadd_ps(a, b1, c[i][1]);
        }
    }
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    if (n == NR) {
        for (int i = 0; i < m; i++) {
            float *ci = C + (size_t)i * ldc;
            if (beta == 0.0f) {
                _mm256_storeu_ps(ci, _mm256_mul_ps(va, c[i][0]));
                _mm256_storeu_ps(ci + 8, _mm256_mul_ps(va, c[i][1]));
            } else {
                _mm256_storeu_ps(ci, _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci), _mm256_mul_ps(va, c[i][0])));
                _mm256_storeu_ps(ci + 8, _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci + 8), _mm256_mul_ps(va, c[i][1])));
            }
        }
        return;
    }
    float tmp[NR] __attribute__((aligned(32)));
    for (int i = 0; i < m; i++) {
        _mm256_store_ps(tmp, c[i][0]);
        _mm256_store_ps(tmp + 8, c[i][1]);
        float *ci = C + (size_t)i * ldc;
        for (int j = 0; j < n; j++) ci[j] = beta == 0.0f ? alpha * tmp[j] : alpha * tmp[j] + beta * ci[j];
    }
}

/* AVX-512: 14 x 32 (28 accumulators, 2 B vectors, broadcasts from memory: 31 of 32 zmm registers).
 * Per k: 2 vector loads + 14 broadcast loads for 28 FMAs, so the two FMA pipes stay busy. */
__attribute__((target("avx512f"))) static void ukr_avx512(int kc, const float *restrict Ap, const float *restrict Bp,
                                                           float *restrict C, int ldc, int m, int n, float alpha,
                                                           float beta) {
    enum { MR = 14, NR = 32 };
    __m512 c0[MR], c1[MR];
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++) c0[i] = c1[i] = _mm512_setzero_ps();
#pragma GCC unroll 2
    for (int k = 0; k < kc; k++) {
        const __m512 b0 = _mm512_load_ps(Bp + (size_t)k * NR), b1 = _mm512_load_ps(Bp + (size_t)k * NR + 16);
        const float *a = Ap + (size_t)k * MR;
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            const __m512 ai = _mm512_set1_ps(a[i]);
            c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
            c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
        }
    }
    const __mmask16 k0 = n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
    const __mmask16 k1 = n >= 32 ? (__mmask16)0xFFFF : n > 16 ? (__mmask16)((1u << (n - 16)) - 1) : 0;
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int i = 0; i < m; i++) {
        float *ci = C + (size_t)i * ldc;
        __m512 r0 = _mm512_mul_ps(va, c0[i]), r1 = _mm512_mul_ps(va, c1[i]);
        if (beta != 0.0f) {
            r0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(k0, ci), r0);
            r1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(k1, ci + 16), r1);
        }
        _mm512_mask_storeu_ps(ci, k0, r0);
        _mm512_mask_storeu_ps(ci + 16, k1, r1);
    }
}
#endif

static ukr_desc g_ukr;
static pthread_once_t g_ukr_once = PTHREAD_ONCE_INIT;

static void ukr_select(void) {
    g_ukr = (ukr_desc){4, 8, ukr_generic, "generic", 0};
#if defined(__x86_64__) && defined(__GNUC__)
    const char *cap = getenv("SAM_ISA"); /* optional cap: "avx2" or "generic" */
    const int max = !cap || !cap[0] ? 2 : strcmp(cap, "generic") == 0 ? 0 : strcmp(cap, "avx2") == 0 ? 1 : 2;
    __builtin_cpu_init();
    if (max >= 2 && __builtin_cpu_supports("avx512f")) g_ukr = (ukr_desc){14, 32, ukr_avx512, "avx512", 2};
    else if (max >= 1 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        g_ukr = (ukr_desc){6, 16, ukr_avx2, "avx2", 1};
#endif
}

const char *kn_builtin_isa(void) {
    pthread_once(&g_ukr_once, ukr_select);
    return g_ukr.isa;
}

int kn_isa_level(void) {
    pthread_once(&g_ukr_once, ukr_select);
    return g_ukr.level;
}

int kn_panel_width(void) {
    pthread_once(&g_ukr_once, ukr_select);
    return g_ukr.nr;
}

/* ---- packing ---- */

#if defined(__x86_64__) && defined(__GNUC__)
#include "simd_avx512.h"
/* Untransposed A into an MR-row panel: 16 k at a time, rows transposed in registers. */
AVX512 static void pack_a_avx512(float *restrict dst, const float *A, int lda, int i0, int m, int p0, int kc, int mr) {
    const int kc16 = kc & ~15;
    const __mmask16 keep = (__mmask16)((1u << mr) - 1);
    for (int kb = 0; kb < kc16; kb += 16) {
        __m512 r[16];
        for (int i = 0; i < 16; i++) r[i] = i < m ? _mm512_loadu_ps(A + (size_t)(i0 + i) * lda + p0 + kb) : _mm512_setzero_ps();
        transpose16(r);
        for (int k = 0; k < 16; k++) _mm512_mask_storeu_ps(dst + (size_t)(kb + k) * mr, keep, r[k]);
    }
    for (int k = kc16; k < kc; k++)
        for (int i = 0; i < mr; i++) dst[(size_t)k * mr + i] = i < m ? A[(size_t)(i0 + i) * lda + p0 + k] : 0.0f;
}
#endif

/* Packs rows [i0, i0+m) x cols [p0, p0+kc) of op(A) into one MR-row panel (k-major), rows m..mr zero. */
static void pack_a_panel(float *restrict dst, const float *A, int lda, int ta, int i0, int m, int p0, int kc, int mr) {
#if defined(__x86_64__) && defined(__GNUC__)
    if (!ta && mr <= 16 && kn_isa_level() >= 2) {
        pack_a_avx512(dst, A, lda, i0, m, p0, kc, mr);
        return;
    }
#endif
    if (!ta) {
        const float *rows[MR_MAX];
        for (int i = 0; i < m; i++) rows[i] = A + (size_t)(i0 + i) * lda + p0;
        for (int k = 0; k < kc; k++) {
            float *d = dst + (size_t)k * mr;
            for (int i = 0; i < m; i++) d[i] = rows[i][k];
            for (int i = m; i < mr; i++) d[i] = 0.0f;
        }
    } else {
        for (int k = 0; k < kc; k++) {
            float *d = dst + (size_t)k * mr;
            memcpy(d, A + (size_t)(p0 + k) * lda + i0, (size_t)m * sizeof(float));
            for (int i = m; i < mr; i++) d[i] = 0.0f;
        }
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
/* op(B) = B^T: 16 rows of B x 16 columns at a time, transposed in registers. */
AVX512 static void pack_bt_avx512(const kn_f32mat *b, float *restrict dst, int k0, int kc, int j0, int n, int nr) {
    const int kc16 = kc & ~15;
    for (int jb = 0; jb < nr; jb += 16) {
        const int rows = n - jb < 0 ? 0 : n - jb > 16 ? 16 : n - jb;
        for (int kb = 0; kb < kc16; kb += 16) {
            __m512 r[16];
            for (int i = 0; i < 16; i++)
                r[i] = i < rows ? _mm512_loadu_ps(b->p + (size_t)(j0 + jb + i) * b->ld + k0 + kb) : _mm512_setzero_ps();
            transpose16(r);
            for (int i = 0; i < 16; i++) _mm512_storeu_ps(dst + (size_t)(kb + i) * nr + jb, r[i]);
        }
    }
    for (int k = kc16; k < kc; k++)
        for (int j = 0; j < nr; j++) dst[(size_t)k * nr + j] = j < n ? b->p[(size_t)(j0 + j) * b->ld + k0 + k] : 0.0f;
}

/* op(B) = B: each k row of the panel is a contiguous row segment (masked at the edge). */
AVX512 static void pack_bn_avx512(const kn_f32mat *b, float *restrict dst, int k0, int kc, int j0, int n, int nr) {
    for (int k = 0; k < kc; k++) {
        const float *s = b->p + (size_t)(k0 + k) * b->ld + j0;
        float *d = dst + (size_t)k * nr;
        for (int j = 0; j < nr; j += 16) {
            const int left = n - j < 0 ? 0 : n - j > 16 ? 16 : n - j;
            const __mmask16 mk = (__mmask16)((1u << left) - 1);
            _mm512_storeu_ps(d + j, _mm512_maskz_loadu_ps(mk, s + j));
        }
    }
}
#endif

void kn_pack_b_f32(const void *src, float *restrict dst, int k0, int kc, int j0, int n, int nr) {
    const kn_f32mat *b = src;
#if defined(__x86_64__) && defined(__GNUC__)
    if (nr % 16 == 0 && kn_isa_level() >= 2) {
        if (b->trans) pack_bt_avx512(b, dst, k0, kc, j0, n, nr);
        else pack_bn_avx512(b, dst, k0, kc, j0, n, nr);
        return;
    }
#endif
    if (!b->trans) { /* op(B) = B (K, N): rows are contiguous */
        for (int k = 0; k < kc; k++) {
            float *d = dst + (size_t)k * nr;
            memcpy(d, b->p + (size_t)(k0 + k) * b->ld + j0, (size_t)n * sizeof(float));
            for (int j = n; j < nr; j++) d[j] = 0.0f;
        }
    } else { /* op(B) = B^T, B (N, K): column j of op(B) is row j of B */
        for (int j = 0; j < n; j++) {
            const float *s = b->p + (size_t)(j0 + j) * b->ld + k0;
            for (int k = 0; k < kc; k++) dst[(size_t)k * nr + j] = s[k];
        }
        for (int k = 0; k < kc; k++)
            for (int j = n; j < nr; j++) dst[(size_t)k * nr + j] = 0.0f;
    }
}

/* ---- workspace driver ---- */

size_t kn_gemm_ws_floats(int M, int K) {
    pthread_once(&g_ukr_once, ukr_select);
    const size_t mpad = ((size_t)M + g_ukr.mr - 1) / g_ukr.mr * g_ukr.mr;
    const size_t kpad = ((size_t)K + KC - 1) / KC * KC;
    return mpad * kpad;
}

void kn_builtin_gemm_packed(int M, int N, int K, float alpha, const float *A, int lda, int ta, kn_pack_fn pack_b,
                            kn_prefetch_fn prefetch_b, const void *bsrc, float beta, float *C, int ldc, float *ws,
                            size_t ws_floats) {
    pthread_once(&g_ukr_once, ukr_select);
    const ukr_desc u = g_ukr;
    const int mr = u.mr, nr = u.nr;
    float small_ws[MR_MAX * KC] __attribute__((aligned(64)));
    if (!ws || ws_floats < (size_t)mr * KC) { ws = small_ws; ws_floats = (size_t)mr * KC; }
    /* rows per chunk and k per range so that the packed A block (mc_pad x kr) fits the workspace */
    int mc = (int)(ws_floats / KC / (size_t)mr) * mr;
    if (mc > M) mc = (M + mr - 1) / mr * mr;
    const int npanel_n = (N + nr - 1) / nr;
    const double work = (double)M * N * K;
    const int nt = work < 262144.0 ? 1 : kn_threads();
    (void)nt;
    for (int i0 = 0; i0 < M; i0 += mc) {
        const int m = M - i0 < mc ? M - i0 : mc;
        const int npa = (m + mr - 1) / mr, mpad = npa * mr;
        int kr = (int)(ws_floats / (size_t)mpad / KC) * KC;
        if (kr > (K + KC - 1) / KC * KC) kr = (K + KC - 1) / KC * KC;
        for (int r0 = 0; r0 < K; r0 += kr) {
            const int krange = K - r0 < kr ? K - r0 : kr;
            const int nblk = (krange + KC - 1) / KC;
            /* task = a block of B panels; enough tasks for a dynamic schedule to balance two busy cores */
            int per = npanel_n / (8 * (nt > 1 ? nt : 1));
            per = per < 1 ? 1 : per > 8 ? 8 : per;
            const int ntask = (npanel_n + per - 1) / per;
#pragma omp parallel num_threads(nt) if (nt > 1)
            {
#pragma omp for schedule(dynamic, 4)
                for (int t = 0; t < nblk * npa; t++) {
                    const int kb = t / npa, ip = t % npa;
                    const int kc = krange - kb * KC < KC ? krange - kb * KC : KC;
                    const int rows = m - ip * mr < mr ? m - ip * mr : mr;
                    pack_a_panel(ws + (size_t)kb * mpad * KC + (size_t)ip * mr * kc, A, lda, ta, i0 + ip * mr, rows,
                                 r0 + kb * KC, kc, mr);
                }
#pragma omp for schedule(dynamic, 1)
                for (int t = 0; t < ntask; t++) {
                    float Bp[KC * NR_MAX] __attribute__((aligned(64)));
                    const int pa = t * per, pb = pa + per < npanel_n ? pa + per : npanel_n;
                    for (int kb = 0; kb < nblk; kb++) {
                        const int kc = krange - kb * KC < KC ? krange - kb * KC : KC;
                        const float bk = r0 + kb * KC == 0 ? beta : 1.0f;
                        const float *Ablk = ws + (size_t)kb * mpad * KC;
                        for (int p = pa; p < pb; p++) {
                            const int j0 = p * nr, n = N - j0 < nr ? N - j0 : nr;
                            pack_b(bsrc, Bp, r0 + kb * KC, kc, j0, n, nr);
                            if (prefetch_b) { /* the block packed next, while the micro-kernels run */
                                const int q = p + 1 < pb ? p + 1 : pa, kq = p + 1 < pb ? kb : kb + 1;
                                if (kq < nblk) {
                                    const int kcq = krange - kq * KC < KC ? krange - kq * KC : KC;
                                    prefetch_b(bsrc, r0 + kq * KC, kcq, q * nr, N - q * nr < nr ? N - q * nr : nr);
                                }
                            }
                            for (int ip = 0; ip < npa; ip++) {
                                const int rows = m - ip * mr < mr ? m - ip * mr : mr;
                                u.f(kc, Ablk + (size_t)ip * mr * kc, Bp, C + (size_t)(i0 + ip * mr) * ldc + j0, ldc,
                                    rows, n, alpha, bk);
                            }
                        }
                    }
                }
            }
        }
    }
}

/* ---- stack driver (any transposes, no workspace) ---- */

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

static void pack_a_block(float *Ap, const float *A, int lda, int ta, int i0, int mc, int p0, int kc, int mr) {
    for (int ip = 0; ip < mc; ip += mr)
        pack_a_panel(Ap + (size_t)ip * kc, A, lda, ta, i0 + ip, mc - ip < mr ? mc - ip : mr, p0, kc, mr);
}

static void pack_b_block(float *Bp, const kn_f32mat *b, int p0, int kc, int j0, int nc, int nr) {
    for (int jp = 0; jp < nc; jp += nr) kn_pack_b_f32(b, Bp + (size_t)jp * kc, p0, kc, j0 + jp, nc - jp < nr ? nc - jp : nr, nr);
}

void kn_builtin_sgemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                      const float *B, int ldb, float beta, float *C, int ldc) {
    pthread_once(&g_ukr_once, ukr_select);
    const ukr_desc u = g_ukr;
    const kn_f32mat bm = {B, ldb, tb};
    const int mcb = (MC / u.mr) * u.mr, ncb = (NC / u.nr) * u.nr;
    const int nmb = (M + mcb - 1) / mcb, nnb = (N + ncb - 1) / ncb;
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
                const int j0 = task * ncb, nc = N - j0 < ncb ? N - j0 : ncb;
                pack_b_block(Bp, &bm, pc, kc, j0, nc, u.nr);
                for (int ib = 0; ib < nmb; ib++) {
                    const int i0 = ib * mcb, mc = M - i0 < mcb ? M - i0 : mcb;
                    pack_a_block(Ap, A, lda, ta, i0, mc, pc, kc, u.mr);
                    macro_kernel(&u, kc, Ap, Bp, C, ldc, i0, mc, j0, nc, alpha, bk);
                }
            } else {
                const int i0 = task * mcb, mc = M - i0 < mcb ? M - i0 : mcb;
                pack_a_block(Ap, A, lda, ta, i0, mc, pc, kc, u.mr);
                for (int jb = 0; jb < nnb; jb++) {
                    const int j0 = jb * ncb, nc = N - j0 < ncb ? N - j0 : ncb;
                    pack_b_block(Bp, &bm, pc, kc, j0, nc, u.nr);
                    macro_kernel(&u, kc, Ap, Bp, C, ldc, i0, mc, j0, nc, alpha, bk);
                }
            }
        }
    }
}
