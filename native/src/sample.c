/* sample.c — next-token sampling from logits: greedy (lowest id on ties) at temperature <= 0, else
 * softmax(logits / temperature) restricted to the smallest top_p prefix of the candidates sorted by
 * probability (ties by id), drawn with a uniform number the caller supplies. */
#include "sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

int sampler_init(sampler *s, int V) {
    memset(s, 0, sizeof *s);
    s->cands = XMALLOC((size_t)V * 2 * sizeof(cand), "sampling buffer");
    s->bucket = XCALLOC(2 * NBUCKET + 1, sizeof(int32_t), "sampling buckets");
    s->bucket_sum = XMALLOC(NBUCKET * sizeof(double), "sampling buckets");
    if (!s->cands || !s->bucket || !s->bucket_sum) {
        sampler_free(s);
        return SAM_ERR_NOMEM;
    }
    s->bucket_fill = s->bucket + NBUCKET + 1;
    return SAM_OK;
}

void sampler_free(sampler *s) {
    free(s->cands);
    free(s->bucket);
    free(s->bucket_sum);
    memset(s, 0, sizeof *s);
}

static int cmp_cand(const void *a, const void *b) {
    const cand *x = a, *y = b;
    if (x->p != y->p) return x->p > y->p ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Nucleus sampling without sorting the vocabulary. Candidates are bucketed by logit (NBUCKET equal
 * ranges between the largest and the smallest logit, bucket 0 the highest), so every candidate of a
 * bucket is at least as probable as every candidate of a later bucket: the sorted order is the bucket
 * order, and only the bucket where the top_p cut falls and the bucket the draw falls in are sorted
 * (probability descending, ties by id, as a full sort would order them). O(V) per token. */
static int32_t draw_top_p(sampler *g, const float *lg, int V, float top_p, double u01, double mx, double mn, double total) {
    int32_t *cnt = g->bucket;                 /* (NBUCKET + 1) counts, then offsets */
    double *bsum = g->bucket_sum;             /* (NBUCKET) probability mass per bucket */
    const double span = mx - mn, scale = span > 0.0 ? (NBUCKET - 1) / span : 0.0;
    memset(cnt, 0, (NBUCKET + 1) * sizeof(int32_t));
    for (int b = 0; b < NBUCKET; b++) bsum[b] = 0.0;
    for (int j = 0; j < V; j++) {
        const int b = (int)((mx - (double)lg[j]) * scale);
        cnt[b + 1]++;
        bsum[b] += g->cands[j].p;
    }
    for (int b = 0; b < NBUCKET; b++) cnt[b + 1] += cnt[b]; /* cnt[b] = first index of bucket b */
    cand *sorted = g->cands + V;                                /* (V) candidates grouped by bucket */
    for (int j = 0; j < V; j++) {
        const int b = (int)((mx - (double)lg[j]) * scale);
        sorted[g->bucket_fill[b]++ + cnt[b]] = g->cands[j];
    }
    memset(g->bucket_fill, 0, NBUCKET * sizeof(int32_t));
    /* the cut: whole buckets while their mass stays below top_p, then a sorted prefix of the next */
    const double want = top_p * total;
    double cum = 0.0;
    int bcut = 0, ncut = 0;
    for (; bcut < NBUCKET - 1; bcut++) {
        if (cum + bsum[bcut] >= want) break;
        cum += bsum[bcut];
    }
    while (cnt[bcut + 1] == cnt[bcut] && bcut > 0) { /* rounding left only empty buckets: back to the last full one */
        bcut--;
        cum -= bsum[bcut];
    }
    cand *cb = sorted + cnt[bcut];
    const int nb = cnt[bcut + 1] - cnt[bcut];
    qsort(cb, (size_t)nb, sizeof(cand), cmp_cand);
    double partial = 0.0;
    while (ncut < nb) {
        partial += cb[ncut++].p;
        if (cum + partial >= want) break;
    }
    const double nucleus = cum + partial;
    /* the draw: skip whole buckets by their mass, then walk the sorted bucket it falls in */
    const double u = u01 * nucleus;
    double acc = 0.0;
    for (int b = 0; b < bcut; b++) {
        if (cnt[b + 1] == cnt[b]) continue;
        if (acc + bsum[b] <= u) {
            acc += bsum[b];
            continue;
        }
        cand *c = sorted + cnt[b];
        const int n = cnt[b + 1] - cnt[b];
        qsort(c, (size_t)n, sizeof(cand), cmp_cand);
        for (int j = 0; j < n; j++) {
            acc += c[j].p;
            if (u < acc) return c[j].id;
        }
        return c[n - 1].id; /* rounding: the bucket's mass exceeded the sum of its members */
    }
    for (int j = 0; j < ncut; j++) {
        acc += cb[j].p;
        if (u < acc) return cb[j].id;
    }
    return cb[ncut - 1].id;
}

int32_t sampler_draw(sampler *g, const float *lg, int V, float temperature, float top_p, double u01) {
    int32_t best = 0;
    float lo = lg[0];
    for (int j = 1; j < V; j++) {
        best = lg[j] > lg[best] ? j : best; /* lowest id wins ties */
        lo = lg[j] < lo ? lg[j] : lo;
    }
    if (temperature <= 0.0f) return best;
    const float mx = lg[best], inv_t = 1.0f / temperature;
    double total = 0.0;
    for (int j = 0; j < V; j++) {
        g->cands[j].p = expf((lg[j] - mx) * inv_t);
        g->cands[j].id = j;
        total += g->cands[j].p;
    }
    if (top_p < 1.0f) return draw_top_p(g, lg, V, top_p, u01, mx, lo, total);
    const double u = u01 * total;
    double acc = 0.0;
    for (int j = 0; j < V; j++) {
        acc += g->cands[j].p;
        if (u < acc) return j;
    }
    return V - 1;
}

int32_t sampler_draw_sorted(sampler *g, const float *lg, int V, float temperature, float top_p, double u01) {
    if (temperature <= 0.0f || top_p >= 1.0f) return sampler_draw(g, lg, V, temperature, top_p, u01);
    float mx = lg[0];
    for (int j = 1; j < V; j++) mx = lg[j] > mx ? lg[j] : mx;
    const float inv_t = 1.0f / temperature;
    double total = 0.0;
    for (int j = 0; j < V; j++) {
        g->cands[j].p = expf((lg[j] - mx) * inv_t);
        g->cands[j].id = j;
        total += g->cands[j].p;
    }
    qsort(g->cands, (size_t)V, sizeof(cand), cmp_cand);
    double cum = 0.0;
    int n = 0;
    while (n < V) {
        cum += g->cands[n++].p;
        if (cum >= top_p * total) break;
    }
    const double u = u01 * cum;
    double acc = 0.0;
    for (int j = 0; j < n; j++) {
        acc += g->cands[j].p;
        if (u < acc) return g->cands[j].id;
    }
    return g->cands[n - 1].id;
}
