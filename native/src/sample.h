/* sample.h — next-token sampling (generate.c): greedy, temperature, nucleus (top_p). */
#ifndef SAM_SAMPLE_H
#define SAM_SAMPLE_H

#include <stdint.h>

typedef struct { double p; int32_t id; } cand;
#define NBUCKET 4096 /* logit buckets for nucleus sampling */

/* Scratch for one generator, sized for a vocabulary of V (allocated once). */
typedef struct {
    cand *cands;          /* (2V) candidates by id, then grouped by logit bucket */
    int32_t *bucket;      /* (NBUCKET + 1) bucket offsets */
    int32_t *bucket_fill; /* (NBUCKET) */
    double *bucket_sum;   /* (NBUCKET) probability mass per bucket */
} sampler;

int sampler_init(sampler *s, int V);
void sampler_free(sampler *s);
/* The next token for logits (V): the argmax (lowest id on ties) when temperature <= 0; otherwise the
 * candidate where u01 * (nucleus mass) falls when walking the top_p nucleus in sorted order
 * (probability descending, ties by id). O(V): see sample.c. */
int32_t sampler_draw(sampler *s, const float *logits, int V, float temperature, float top_p, double u01);
/* The same by sorting the whole vocabulary (reference for tests; O(V log V)). */
int32_t sampler_draw_sorted(sampler *s, const float *logits, int V, float temperature, float top_p, double u01);

#endif
