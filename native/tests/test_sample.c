/* test_sample.c — nucleus sampling without a full sort (sample.c) draws exactly the token the
 * reference (sort the whole vocabulary by probability, ties by id, cut at top_p, walk) draws, for the
 * same uniform number: random logits, logits on a coarse grid (many ties), all-equal logits, one
 * dominant logit, tiny and large top_p, several temperatures, a real-sized vocabulary. Greedy and
 * top_p = 1 are the plain argmax and the walk in id order. */
#include <math.h>
#include <stdlib.h>

#include "rng.h"
#include "sample.h"
#include "test_util.h"

static void compare(sampler *s, const float *lg, int V, float temp, float top_p, xoshiro256 *r, int draws, const char *what) {
    int bad = 0;
    for (int i = 0; i < draws; i++) {
        const double u = xoshiro_uniform_d(r);
        const int32_t a = sampler_draw(s, lg, V, temp, top_p, u), b = sampler_draw_sorted(s, lg, V, temp, top_p, u);
        bad += a != b;
    }
    CHECK(bad == 0, "%s (V %d, temperature %g, top_p %g): %d of %d draws differ from the sorted reference", what, V, temp, top_p, bad, draws);
}

int main(void) {
    xoshiro256 r;
    xoshiro_seed(&r, 7);
    const int Vs[3] = {7, 1000, 151936};
    float *lg = malloc(sizeof(float) * 151936);
    sampler s;
    CHECK_OK(sampler_init(&s, 151936));
    const float temps[3] = {0.3f, 0.7f, 1.5f}, tops[4] = {1e-6f, 0.5f, 0.9f, 0.999f};
    for (int v = 0; v < 3; v++) {
        const int V = Vs[v];
        for (int kind = 0; kind < 4; kind++) {
            for (int j = 0; j < V; j++) {
                const float x = xoshiro_uniform(&r) * 8.0f - 4.0f;
                lg[j] = kind == 0 ? x : kind == 1 ? roundf(x * 2.0f) / 2.0f : kind == 2 ? 1.25f : (j == V / 3 ? 9.0f : x * 0.1f);
            }
            const char *what = kind == 0 ? "random logits" : kind == 1 ? "logits with ties" : kind == 2 ? "equal logits" : "one dominant logit";
            for (int t = 0; t < 3; t++)
                for (int p = 0; p < 4; p++) compare(&s, lg, V, temps[t], tops[p], &r, V > 10000 ? 20 : 200, what);
        }
    }
    /* greedy: argmax, lowest id on ties */
    lg[0] = 1.0f; lg[1] = 3.0f; lg[2] = 3.0f; lg[3] = -1.0f;
    CHECK(sampler_draw(&s, lg, 4, 0.0f, 0.9f, 0.5) == 1, "greedy must pick the lowest id among the maxima");
    /* top_p = 1: walk in id order over all candidates: u = 0 gives id 0 */
    CHECK(sampler_draw(&s, lg, 4, 1.0f, 1.0f, 0.0) == 0, "top_p 1 walks in id order");
    sampler_free(&s);
    free(lg);
    return tu_done("test_sample");
}
