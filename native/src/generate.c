/* generate.c — KV-cache generation. A generator owns its cache and scratch (allocated once at
 * creation) and only reads the model and adapter, so several generators may run concurrently on
 * one model. Prefill runs in chunks of up to PREFILL_CHUNK tokens (attention over the cache), then
 * each sam_gen_next feeds the previous token (T = 1) and samples: greedy when temperature <= 0,
 * else softmax(logits / temperature) restricted to the top-p nucleus, with the generator's own
 * seeded xoshiro256** stream. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "error.h"
#include "matmul.h"
#include "rng.h"
#include "sample.h"

#define PREFILL_CHUNK 512 /* every chunk converts all weights once: larger chunks amortize it */


struct sam_generator {
    const sam_model *m;
    const sam_lora *l;
    sam_gen_config cfg;
    int32_t *stop;        /* (num_stop_ids) copy */
    float *arena;
    blk_acts a;           /* scratch for chunk tokens */
    blk_scratch s;
    float *kc, *vc;       /* (L, ctx, KVD) */
    float *x;             /* (chunk, C) */
    float *xf, *rstdf;    /* (1, C), (1) */
    float *logits;        /* (V) */
    float *cos_t, *sin_t; /* (ctx, D/2) */
    sampler smp;          /* sampling scratch */
    int chunk, ctx;
    int pos;              /* tokens in the cache */
    int generated;
    int32_t pending;      /* sampled token not yet fed through the model, or -1 */
    int state;            /* 0 created, 1 prefilled, 2 done */
    xoshiro256 rng;
};

int sam_gen_create(const sam_model *m, const sam_lora *l, const sam_gen_config *cfg, sam_generator **out) {
    if (!out) return err_set(SAM_ERR_INVALID_ARG, "sam_gen_create: out is NULL. HINT: pass the address of a sam_generator* variable.");
    *out = NULL;
    if (!m || !cfg) return err_set(SAM_ERR_INVALID_ARG, "sam_gen_create: NULL %s. HINT: open the model and fill a sam_gen_config.", !m ? "model" : "config");
    int rc = l ? lora_matches_model(l, m, "sam_gen_create") : SAM_OK;
    if (rc) return rc;
    if (cfg->max_context < 1 || cfg->max_context > (1 << 20))
        return err_set(SAM_ERR_INVALID_ARG, "sam_gen_create: max_context %d must be in 1..1048576. HINT: use prompt length + max_new_tokens, e.g. 2048.", cfg->max_context);
    if (cfg->max_new_tokens < 0) return err_set(SAM_ERR_INVALID_ARG, "sam_gen_create: max_new_tokens %d is negative. HINT: use e.g. 256.", cfg->max_new_tokens);
    if (!isfinite(cfg->temperature)) return err_set(SAM_ERR_INVALID_ARG, "sam_gen_create: temperature is not finite. HINT: use 0 for greedy or e.g. 0.7.");
    if (!(cfg->top_p > 0.0f && cfg->top_p <= 1.0f)) return err_set(SAM_ERR_INVALID_ARG, "sam_gen_create: top_p %g must be in (0, 1]. HINT: use 1 to disable nucleus sampling, or e.g. 0.9.", cfg->top_p);
    if (cfg->num_stop_ids < 0 || (cfg->num_stop_ids > 0 && !cfg->stop_ids))
        return err_set(SAM_ERR_INVALID_ARG, "sam_gen_create: stop_ids is NULL with num_stop_ids %d. HINT: pass an array or 0.", cfg->num_stop_ids);
    const mdl_config *c = &m->c;
    sam_generator *g = XCALLOC(1, sizeof *g, "generator");
    if (!g) return SAM_ERR_NOMEM;
    g->m = m;
    g->l = l;
    g->cfg = *cfg;
    g->ctx = cfg->max_context;
    g->chunk = g->ctx < PREFILL_CHUNK ? g->ctx : PREFILL_CHUNK;
    g->stop = XMALLOC((size_t)(cfg->num_stop_ids + 1) * sizeof(int32_t), "stop ids");
    if (!g->stop || sampler_init(&g->smp, c->V)) { sam_gen_free(g); return SAM_ERR_NOMEM; }
    if (cfg->num_stop_ids) memcpy(g->stop, cfg->stop_ids, (size_t)cfg->num_stop_ids * sizeof(int32_t));
    g->cfg.stop_ids = g->stop;
    plan p = {0};
    float *xa = NULL;
    if (l) plan_add(&p, &xa, (size_t)g->chunk * l->r);
    plan_acts(&p, &g->a, c, NULL, 0, g->chunk, (size_t)g->chunk * g->ctx, 0, NULL);
    plan_scratch(&p, &g->s, m, l, g->chunk, 0);
    plan_add(&p, &g->kc, (size_t)c->L * g->ctx * c->KVD);
    plan_add(&p, &g->vc, (size_t)c->L * g->ctx * c->KVD);
    plan_add(&p, &g->x, (size_t)g->chunk * c->C);
    plan_add(&p, &g->xf, (size_t)c->C);
    plan_add(&p, &g->rstdf, 1);
    plan_add(&p, &g->logits, (size_t)c->V);
    plan_add(&p, &g->cos_t, (size_t)g->ctx * c->D / 2);
    plan_add(&p, &g->sin_t, (size_t)g->ctx * c->D / 2);
    rc = plan_commit(&p, &g->arena, "the generator (KV cache)");
    plan_free(&p);
    if (rc) { sam_gen_free(g); return rc; }
    if (l)
        for (int mod = 0; mod < MOD_COUNT; mod++) g->a.xa[mod] = xa;
    rope_table(g->cos_t, g->sin_t, g->ctx, c->D, c->theta);
    g->s.cos_t = g->cos_t;
    g->s.sin_t = g->sin_t;
    g->pending = -1;
    *out = g;
    return SAM_OK;
}

void sam_gen_free(sam_generator *g) {
    if (!g) return;
    free(g->arena);
    free(g->stop);
    sampler_free(&g->smp);
    free(g);
}

/* Feeds n tokens at g->pos through all layers; leaves the logits of the last one in g->logits. */
static int gen_feed_scoped(sam_generator *g, const int32_t *ids, int n);
static int gen_feed(sam_generator *g, const int32_t *ids, int n) {
    mm_generation_scope(1); /* SAM_DECODE_Q8 applies here (matmul.h) */
    const int rc = gen_feed_scoped(g, ids, n);
    mm_generation_scope(0);
    return rc;
}

static int gen_feed_scoped(sam_generator *g, const int32_t *ids, int n) {
    const sam_model *m = g->m;
    const mdl_config *c = &m->c;
    const blk_lora bl = {g->l, NULL, 0.0f, 0, 0};
    for (int i0 = 0; i0 < n; i0 += g->chunk) {
        const int T = n - i0 < g->chunk ? n - i0 : g->chunk;
        blk_embed(g->x, ids + i0, T, m);
        int rc = blk_forward_layers(&g->a, g->x, m, &bl, 0, c->L, 1, T, g->pos, g->kc, g->vc, g->ctx, &g->s);
        if (rc) return rc;
        g->pos += T;
        if (i0 + T == n) {
            rmsnorm_forward(g->xf, g->rstdf, g->x + (size_t)(T - 1) * c->C, m->norm, 1, c->C, c->eps);
            linear_forward(g->logits, c->V, g->xf, &m->head, NULL, 1, g->s.tile, g->s.tile_floats);
        }
    }
    return SAM_OK;
}

int sam_gen_prefill(sam_generator *g, const int32_t *ids, int32_t n) {
    if (!g || !ids) return err_set(SAM_ERR_INVALID_ARG, "sam_gen_prefill: NULL %s. HINT: create the generator and pass the prompt ids.", !g ? "generator" : "ids");
    if (n <= 0) return err_set(SAM_ERR_INVALID_ARG, "sam_gen_prefill: empty prompt (n = %d). HINT: pass at least one token.", n);
    if ((int64_t)n + g->cfg.max_new_tokens > g->ctx)
        return err_set(SAM_ERR_INVALID_ARG, "sam_gen_prefill: prompt (%d tokens) + max_new_tokens (%d) = %lld exceeds max_context %d. "
                       "HINT: shorten the prompt, lower max_new_tokens, or create the generator with a larger max_context.",
                       n, g->cfg.max_new_tokens, (long long)n + g->cfg.max_new_tokens, g->ctx);
    for (int i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= g->m->c.V)
            return err_set(SAM_ERR_INVALID_ARG, "sam_gen_prefill: token %d at position %d is outside the vocabulary [0, %d). HINT: use the tokenizer of this model.", ids[i], i, g->m->c.V);
    /* a new prompt restarts the generator: empty cache, fresh sampling stream */
    g->pos = 0;
    g->generated = 0;
    g->pending = -1;
    g->state = 0;
    xoshiro_seed(&g->rng, g->cfg.seed);
    int rc = gen_feed(g, ids, n);
    if (rc) return rc;
    g->state = 1;
    return SAM_OK;
}

static int32_t sample(sam_generator *g) {
    const double u = g->cfg.temperature > 0.0f ? xoshiro_uniform_d(&g->rng) : 0.0;
    return sampler_draw(&g->smp, g->logits, g->m->c.V, g->cfg.temperature, g->cfg.top_p, u);
}

int sam_gen_next(sam_generator *g, int32_t *token, int32_t *done) {
    if (!g || !token || !done) return err_set(SAM_ERR_INVALID_ARG, "sam_gen_next: NULL %s. HINT: pass the generator and two outputs.", !g ? "generator" : !token ? "token" : "done");
    *token = -1;
    *done = 0;
    if (g->state == 0) return err_set(SAM_ERR_STATE, "sam_gen_next: no prompt. HINT: call sam_gen_prefill first.");
    if (g->state == 2 || g->generated >= g->cfg.max_new_tokens) {
        g->state = 2;
        *done = 1;
        return SAM_OK;
    }
    if (g->pending >= 0) {
        int rc = gen_feed(g, &g->pending, 1);
        if (rc) return rc;
        g->pending = -1;
    }
    const int32_t tok = sample(g);
    for (int i = 0; i < g->cfg.num_stop_ids; i++)
        if (g->stop[i] == tok) {
            g->state = 2;
            *done = 1;
            return SAM_OK;
        }
    *token = tok;
    if (++g->generated >= g->cfg.max_new_tokens) {
        g->state = 2;
        *done = 1;
    } else {
        g->pending = tok;
    }
    return SAM_OK;
}

int sam_gen_score(sam_generator *g, const int32_t *ids, int32_t n, float *logits) {
    if (!g || !ids || !logits) return err_set(SAM_ERR_INVALID_ARG, "sam_gen_score: NULL %s. HINT: pass the generator, the ids and a buffer of n * vocab_size floats.", !g ? "generator" : !ids ? "ids" : "logits");
    if (g->state != 1 || g->pending >= 0 || g->generated) return err_set(SAM_ERR_STATE, "sam_gen_score: the generator must be freshly prefilled. HINT: call sam_gen_prefill with the prompt first.");
    if (n <= 0) return err_set(SAM_ERR_INVALID_ARG, "sam_gen_score: nothing to score (n = %d). HINT: pass at least one token.", n);
    if ((int64_t)g->pos + n - 1 > g->ctx)
        return err_set(SAM_ERR_INVALID_ARG, "sam_gen_score: prompt (%d tokens) + %d scored tokens exceed max_context %d. HINT: create the generator with a larger max_context.", g->pos, n, g->ctx);
    const int V = g->m->c.V;
    for (int i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= V)
            return err_set(SAM_ERR_INVALID_ARG, "sam_gen_score: token %d at position %d is outside the vocabulary [0, %d). HINT: use the tokenizer of this model.", ids[i], i, V);
    g->state = 2;
    memcpy(logits, g->logits, sizeof(float) * (size_t)V);
    for (int i = 1; i < n; i++) {
        int rc = gen_feed(g, ids + i - 1, 1);
        if (rc) return rc;
        memcpy(logits + (size_t)i * V, g->logits, sizeof(float) * (size_t)V);
    }
    return SAM_OK;
}
