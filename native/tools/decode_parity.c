/* decode_parity.c — what int8 activations (SAM_DECODE_Q8) change in a model's predictions: for random
 * token sequences, the next-token distributions of the generation path with q8 against the exact fp32
 * path (sam_forward_logits inside a generation scope, i.e. the products the generator runs; sequences of
 * at most 8 tokens, so that every product is decode-sized and int8). Reports per position: top-1 agreement,
 * mean and max KL(p_fp32 || p_q8) in nats, mean and max |logit difference| relative to the logits' rms,
 * and the mean next-token loss (NLL of the sequence's own next token) of each path. Not a test.
 * usage: decode_parity MODEL_DIR [sequences=32] [length=8 (at most 8)] [seed=1] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "matmul.h"
#include "rng.h"
#include "samtrain.h"

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: decode_parity MODEL_DIR [sequences=32] [length=8] [seed=1]\n"); return 2; }
    const int S = argc > 2 ? atoi(argv[2]) : 32, T0 = argc > 3 ? atoi(argv[3]) : MM_DECODE_M;
    const int T = T0 < 2 ? 2 : T0 > MM_DECODE_M ? MM_DECODE_M : T0;
    sam_backend_init(NULL, 0);
    sam_model *m = NULL;
    sam_model_info info;
    if (sam_model_open(argv[1], &m) || sam_model_get_info(m, &info)) { fprintf(stderr, "%s\n", sam_last_error()); return 1; }
    if (sam_backend_set_decode_precision(SAM_DECODE_Q8)) { fprintf(stderr, "%s\n", sam_last_error()); return 1; }
    const int V = info.vocab_size;
    xoshiro256 r;
    xoshiro_seed(&r, argc > 4 ? strtoull(argv[4], NULL, 10) : 1);
    int32_t *ids = malloc(sizeof(int32_t) * T);
    float *lf = malloc(sizeof(float) * (size_t)T * V), *lq = malloc(sizeof(float) * (size_t)T * V);
    double agree = 0, kl = 0, klmax = 0, dmean = 0, dmax = 0, nllf = 0, nllq = 0;
    long n = 0;
    for (int s = 0; s < S; s++) {
        for (int i = 0; i < T; i++) ids[i] = (int32_t)(xoshiro_next(&r) % (uint64_t)V);
        mm_generation_scope(1);
        for (int p = 0; p < 2; p++) {
            if (sam_backend_set_decode_precision(p ? SAM_DECODE_Q8 : SAM_DECODE_FP32) ||
                sam_forward_logits(m, NULL, ids, T, p ? lq : lf)) { fprintf(stderr, "%s\n", sam_last_error()); return 1; }
        }
        mm_generation_scope(0);
        for (int t = 0; t + 1 < T; t++) {
            const float *a = lf + (size_t)t * V, *b = lq + (size_t)t * V;
            int ia = 0, ib = 0;
            double ma = -1e30, mb = -1e30, rms = 0, d = 0;
            for (int v = 0; v < V; v++) {
                if (a[v] > a[ia]) ia = v;
                if (b[v] > b[ib]) ib = v;
                ma = fmax(ma, a[v]);
                mb = fmax(mb, b[v]);
                rms += (double)a[v] * a[v];
                d = fmax(d, fabs((double)a[v] - b[v]));
            }
            double za = 0, zb = 0;
            for (int v = 0; v < V; v++) { za += exp(a[v] - ma); zb += exp(b[v] - mb); }
            const double lza = ma + log(za), lzb = mb + log(zb);
            double k = 0;
            for (int v = 0; v < V; v++) {
                const double pa = exp(a[v] - lza);
                k += pa * ((a[v] - lza) - (b[v] - lzb));
            }
            rms = sqrt(rms / V);
            agree += ia == ib;
            kl += k;
            klmax = fmax(klmax, k);
            dmean += d / rms;
            dmax = fmax(dmax, d / rms);
            nllf += lza - a[ids[t + 1]];
            nllq += lzb - b[ids[t + 1]];
            n++;
        }
    }
    printf("{\"model\": \"%s\", \"positions\": %ld, \"top1_agreement\": %.4f, \"kl_mean_nats\": %.3e, \"kl_max_nats\": %.3e, "
           "\"max_abs_logit_diff_over_rms_mean\": %.4f, \"max_abs_logit_diff_over_rms_max\": %.4f, \"nll_fp32\": %.6f, \"nll_q8\": %.6f}\n",
           argv[1], n, agree / n, kl / n, klmax, dmean / n, dmax, nllf / n, nllq / n);
    sam_model_free(m);
    return 0;
}
