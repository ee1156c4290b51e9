/* gemm.c — the built-in GEMM's two drivers (see kernels.h), shared by every micro-kernel: fp32 on
 * AVX-512 / AVX2 / NEON / generic, and bf16 pairs on AVX512-BF16 (kpack = 2: a packed A element holds
 * two k values). Blocking: KN_KC-deep slices of k; each slice of op(A) is packed into MR-row panels,
 * each NR-column block of op(B) into an L1-sized panel; the micro-kernel adds one slice's product
 * into C (beta for the first slice, 1 after), so every element of C sums its slices in k order. */
#include <stdint.h>
#include <string.h>

#include "kernels.h"
#include "parallel.h"

#define KC KN_KC
#define MC 96   /* rows per A block in the stack driver */
#define NC 128  /* columns per B block in the stack driver */

/* 32-bit elements of a packed A panel row for kc values of k */
static inline size_t slots(const kn_gemm_kernel *k, int kc) {
    return (size_t)((kc + k->kpack - 1) / k->kpack);
}

/* below this many multiply-adds a product runs on one thread */
#define PAR_WORK 262144.0

size_t kn_gemm_ws_floats(const kn_gemm_kernel *k, int M, int K) {
    const size_t mpad = ((size_t)M + k->mr - 1) / k->mr * k->mr;
    const size_t kpad = ((size_t)K + KC - 1) / KC * KC;
    return mpad * slots(k, (int)kpad);
}

/* ---- workspace driver ---- */

typedef struct {
    const kn_gemm_kernel *k;
    const float *A;
    int lda, ta, i0, m, npa, mpad, r0, krange;
    void *ws;
} pack_a_job;

static void pack_a_body(void *ctx, long t0, long t1) {
    const pack_a_job *j = ctx;
    const kn_gemm_kernel *k = j->k;
    uint32_t *ws = j->ws;
    for (long t = t0; t < t1; t++) {
        const int kb = (int)t / j->npa, ip = (int)t % j->npa;
        const int kc = j->krange - kb * KC < KC ? j->krange - kb * KC : KC;
        const int rows = j->m - ip * k->mr < k->mr ? j->m - ip * k->mr : k->mr;
        k->pack_a(ws + (size_t)kb * j->mpad * slots(k, KC) + (size_t)ip * k->mr * slots(k, kc), j->A, j->lda, j->ta,
                  j->i0 + ip * k->mr, rows, j->r0 + kb * KC, kc, k->mr);
    }
}

typedef struct {
    const kn_gemm_kernel *k;
    int N, i0, m, npa, mpad, r0, krange, nblk, per, npanel_n;
    float alpha, beta;
    kn_pack_fn pack_b;
    kn_prefetch_fn prefetch_b;
    const void *bsrc;
    const void *ws;
    float *C;
    int ldc;
} tasks_job;

/* Tasks t0..t1: each owns `per` consecutive NR-column panels of C over the whole K range. */
static void tasks_body(void *ctx, long t0, long t1) {
    const tasks_job *j = ctx;
    const kn_gemm_kernel *k = j->k;
    const int mr = k->mr, nr = k->nr, N = j->N, krange = j->krange, nblk = j->nblk;
    float Bf[KC * KN_NR_MAX] __attribute__((aligned(64)));
    uint16_t Bc[KC * KN_NR_MAX] __attribute__((aligned(64))); /* converted panel (bf16) */
    const void *Bp = k->convert_b ? (const void *)Bc : (const void *)Bf;
    for (long t = t0; t < t1; t++) {
        const int pa = (int)t * j->per, pb = pa + j->per < j->npanel_n ? pa + j->per : j->npanel_n;
        for (int kb = 0; kb < nblk; kb++) {
            const int kc = krange - kb * KC < KC ? krange - kb * KC : KC;
            const float bk = j->r0 + kb * KC == 0 ? j->beta : 1.0f;
            const uint32_t *Ablk = (const uint32_t *)j->ws + (size_t)kb * j->mpad * slots(k, KC);
            for (int p = pa; p < pb; p++) {
                const int j0 = p * nr, n = N - j0 < nr ? N - j0 : nr;
                j->pack_b(j->bsrc, Bf, j->r0 + kb * KC, kc, j0, n, nr);
                if (k->convert_b) k->convert_b(Bc, Bf, kc);
                if (j->prefetch_b) { /* the block packed next, while the micro-kernels run */
                    const int q = p + 1 < pb ? p + 1 : pa, kq = p + 1 < pb ? kb : kb + 1;
                    if (kq < nblk) {
                        const int kcq = krange - kq * KC < KC ? krange - kq * KC : KC;
                        j->prefetch_b(j->bsrc, j->r0 + kq * KC, kcq, q * nr, N - q * nr < nr ? N - q * nr : nr);
                    }
                }
                for (int ip = 0; ip < j->npa; ip++) {
                    const int rows = j->m - ip * mr < mr ? j->m - ip * mr : mr;
                    k->ukr(kc, Ablk + (size_t)ip * mr * slots(k, kc), Bp, j->C + (size_t)(j->i0 + ip * mr) * j->ldc + j0,
                           j->ldc, rows, n, j->alpha, bk);
                }
            }
        }
    }
}

void kn_gemm_packed(const kn_gemm_kernel *k, int M, int N, int K, float alpha, const float *A, int lda, int ta,
                    kn_pack_fn pack_b, kn_prefetch_fn prefetch_b, const void *bsrc, float beta, float *C, int ldc,
                    float *ws, size_t ws_floats) {
    const int mr = k->mr, nr = k->nr;
    float small_ws[KN_MR_MAX * KC] __attribute__((aligned(64)));
    const size_t need = (size_t)mr * slots(k, KC);
    if (!ws || ws_floats < need) { ws = small_ws; ws_floats = need; }
    /* rows per chunk and k per range so that the packed A block (mpad x kr) fits the workspace */
    int mc = (int)(ws_floats / slots(k, KC) / (size_t)mr) * mr;
    if (mc > M) mc = (M + mr - 1) / mr * mr;
    const int npanel_n = (N + nr - 1) / nr;
    const int nt = (double)M * N * K < PAR_WORK ? 1 : par_threads();
    for (int i0 = 0; i0 < M; i0 += mc) {
        const int m = M - i0 < mc ? M - i0 : mc;
        const int npa = (m + mr - 1) / mr, mpad = npa * mr;
        int kr = (int)(ws_floats / (size_t)mpad / slots(k, KC)) * KC;
        if (kr > (K + KC - 1) / KC * KC) kr = (K + KC - 1) / KC * KC;
        for (int r0 = 0; r0 < K; r0 += kr) {
            const int krange = K - r0 < kr ? K - r0 : kr;
            const int nblk = (krange + KC - 1) / KC;
            pack_a_job pj = {k, A, lda, ta, i0, m, npa, mpad, r0, krange, ws};
            par_for((long)nblk * npa, 4, nt, pack_a_body, &pj);
            /* task = a block of B panels; enough tasks for a dynamic schedule to balance two busy cores */
            int per = npanel_n / (8 * (nt > 1 ? nt : 1));
            per = per < 1 ? 1 : per > 8 ? 8 : per;
            const int ntask = (npanel_n + per - 1) / per;
            tasks_job tj = {k, N, i0, m, npa, mpad, r0, krange, nblk, per, npanel_n, alpha, beta,
                            pack_b, prefetch_b, bsrc, ws, C, ldc};
            par_for(ntask, 1, nt, tasks_body, &tj);
        }
    }
}

/* ---- stack driver (any transposes, no workspace) ---- */

/* C block rows [i0, i0+mc) x cols [j0, j0+nc) from packed Ap (mc x kc) and Bp (kc x nc). */
static void macro_kernel(const kn_gemm_kernel *k, int kc, const float *Ap, const float *Bp, float *C, int ldc,
                         int i0, int mc, int j0, int nc, float alpha, float beta) {
    for (int jr = 0; jr < nc; jr += k->nr) {
        const int n = nc - jr < k->nr ? nc - jr : k->nr;
        for (int ir = 0; ir < mc; ir += k->mr) {
            const int m = mc - ir < k->mr ? mc - ir : k->mr;
            k->ukr(kc, Ap + (size_t)ir * kc, Bp + (size_t)jr * kc, C + (size_t)(i0 + ir) * ldc + j0 + jr, ldc, m, n,
                   alpha, beta);
        }
    }
}

static void pack_a_block(const kn_gemm_kernel *k, float *Ap, const float *A, int lda, int ta, int i0, int mc, int p0,
                         int kc) {
    for (int ip = 0; ip < mc; ip += k->mr)
        k->pack_a(Ap + (size_t)ip * kc, A, lda, ta, i0 + ip, mc - ip < k->mr ? mc - ip : k->mr, p0, kc, k->mr);
}

static void pack_b_block(float *Bp, const kn_f32mat *b, int p0, int kc, int j0, int nc, int nr) {
    for (int jp = 0; jp < nc; jp += nr) kn_pack_b_f32(b, Bp + (size_t)jp * kc, p0, kc, j0 + jp, nc - jp < nr ? nc - jp : nr, nr);
}

typedef struct {
    const kn_gemm_kernel *k;
    const float *A;
    int lda, ta, M, N, pc, kc, mcb, ncb, nmb, nnb, by_n;
    const kn_f32mat *bm;
    float alpha, bk;
    float *C;
    int ldc;
} stack_job;

static void stack_body(void *ctx, long t0, long t1) {
    const stack_job *j = ctx;
    const kn_gemm_kernel *k = j->k;
    float Ap[MC * KC] __attribute__((aligned(64)));
    float Bp[KC * NC] __attribute__((aligned(64)));
    for (long task = t0; task < t1; task++) {
        if (j->by_n) {
            const int j0 = (int)task * j->ncb, nc = j->N - j0 < j->ncb ? j->N - j0 : j->ncb;
            pack_b_block(Bp, j->bm, j->pc, j->kc, j0, nc, k->nr);
            for (int ib = 0; ib < j->nmb; ib++) {
                const int i0 = ib * j->mcb, mc = j->M - i0 < j->mcb ? j->M - i0 : j->mcb;
                pack_a_block(k, Ap, j->A, j->lda, j->ta, i0, mc, j->pc, j->kc);
                macro_kernel(k, j->kc, Ap, Bp, j->C, j->ldc, i0, mc, j0, nc, j->alpha, j->bk);
            }
        } else {
            const int i0 = (int)task * j->mcb, mc = j->M - i0 < j->mcb ? j->M - i0 : j->mcb;
            pack_a_block(k, Ap, j->A, j->lda, j->ta, i0, mc, j->pc, j->kc);
            for (int jb = 0; jb < j->nnb; jb++) {
                const int j0 = jb * j->ncb, nc = j->N - j0 < j->ncb ? j->N - j0 : j->ncb;
                pack_b_block(Bp, j->bm, j->pc, j->kc, j0, nc, k->nr);
                macro_kernel(k, j->kc, Ap, Bp, j->C, j->ldc, i0, mc, j0, nc, j->alpha, j->bk);
            }
        }
    }
}

void kn_gemm_stack(const kn_gemm_kernel *k, int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                   const float *B, int ldb, float beta, float *C, int ldc) {
    const kn_f32mat bm = {B, ldb, tb};
    const int mcb = (MC / k->mr) * k->mr, ncb = (NC / k->nr) * k->nr;
    const int nmb = (M + mcb - 1) / mcb, nnb = (N + ncb - 1) / ncb;
    const int nt = (double)M * N * K < PAR_WORK ? 1 : par_threads();
    /* Tasks own whole N blocks (pack B once, sweep all M blocks) unless C is too narrow to feed the
     * threads; then they own M blocks. Either way each panel is packed once per task. */
    const int by_n = nnb >= nt || nnb >= nmb;
    const int ntask = by_n ? nnb : nmb;
    for (int pc = 0; pc < K; pc += KC) {
        const int kc = K - pc < KC ? K - pc : KC;
        stack_job j = {k, A, lda, ta, M, N, pc, kc, mcb, ncb, nmb, nnb, by_n, &bm, alpha, pc == 0 ? beta : 1.0f, C, ldc};
        par_for(ntask, 1, nt > 1 && ntask > 1 ? nt : 1, stack_body, &j);
    }
}
