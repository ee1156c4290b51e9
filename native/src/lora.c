/* lora.c — LoRA adapter creation, mlx-lm adapters.safetensors load/save, tensor access.
 * Reference: mlx-lm tuner/lora.py (LoRALinear: lora_a ~ U(-1/sqrt(in), 1/sqrt(in)) of shape
 * (in, r), lora_b = 0 of shape (r, out)) and tuner/utils.py (last num_layers layers, key names). */
#include "lora.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "rng.h"

#define ALL_TARGETS 127u

static int check_cfg(const sam_model *m, const sam_lora_config *cfg, const char *who) {
    if (!m || !cfg) return err_set(SAM_ERR_INVALID_ARG, "%s: NULL %s. HINT: open the model and fill a sam_lora_config.", who, !m ? "model" : "config");
    if (cfg->rank < 1 || cfg->rank > 4096)
        return err_set(SAM_ERR_INVALID_ARG, "%s: LoRA rank %d is out of range (1..4096). HINT: typical ranks are 4 to 64.", who, cfg->rank);
    if (!isfinite(cfg->scale))
        return err_set(SAM_ERR_INVALID_ARG, "%s: LoRA scale is not finite. HINT: SAM uses scale = alpha / rank, e.g. 2.0.", who);
    if (!(cfg->dropout >= 0.0f && cfg->dropout < 1.0f))
        return err_set(SAM_ERR_INVALID_ARG, "%s: LoRA dropout %g must be in [0, 1). HINT: use 0.0 to 0.1.", who, cfg->dropout);
    if (cfg->num_layers == 0 || cfg->num_layers < -1 || cfg->num_layers > m->c.L)
        return err_set(SAM_ERR_INVALID_ARG, "%s: num_layers %d is invalid for a %d-layer model. HINT: use 1..%d (the last N layers) or -1 for all.", who, cfg->num_layers, m->c.L, m->c.L);
    if (cfg->targets == 0 || (cfg->targets & ~ALL_TARGETS))
        return err_set(SAM_ERR_INVALID_ARG, "%s: targets 0x%x select no valid module. HINT: OR together SAM_TARGET_Q/K/V/O/GATE/UP/DOWN.", who, cfg->targets);
    return SAM_OK;
}

/* Allocates the adapter structure (zeroed tensors) for model m and config cfg. */
static int lora_alloc(const sam_model *m, const sam_lora_config *cfg, sam_lora **out) {
    const mdl_config *c = &m->c;
    sam_lora *l = XCALLOC(1, sizeof *l, "LoRA adapter");
    if (!l) return SAM_ERR_NOMEM;
    l->cfg = *cfg;
    l->r = cfg->rank;
    l->scale = cfg->scale;
    l->dropout = cfg->dropout;
    l->mc = *c;
    l->first = cfg->num_layers < 0 ? 0 : c->L - cfg->num_layers;
    l->mods = XCALLOC((size_t)c->L * MOD_COUNT, sizeof *l->mods, "LoRA module table");
    int nmods = 0;
    for (int mod = 0; mod < MOD_COUNT; mod++) nmods += (cfg->targets >> mod) & 1;
    l->t = XCALLOC((size_t)(c->L - l->first) * nmods * 2, sizeof *l->t, "LoRA tensor table");
    if (!l->mods || !l->t) { sam_lora_free(l); return SAM_ERR_NOMEM; }
    size_t off = 0;
    for (int layer = l->first; layer < c->L; layer++)
        for (int mod = 0; mod < MOD_COUNT; mod++) {
            if (!((cfg->targets >> mod) & 1)) continue;
            lora_mod *lm = &l->mods[layer * MOD_COUNT + mod];
            lm->on = 1;
            lm->in = mdl_in_dim(c, mod);
            lm->out = mdl_out_dim(c, mod);
            for (int isb = 0; isb < 2; isb++) {
                lora_tensor *t = &l->t[l->nt++];
                snprintf(t->name, sizeof t->name, "model.layers.%d.%s.%s", layer, MOD_PATH[mod], isb ? "lora_b" : "lora_a");
                t->layer = layer;
                t->mod = mod;
                t->is_b = isb;
                t->rows = isb ? l->r : lm->in;
                t->cols = isb ? lm->out : l->r;
                t->off = off;
                if (isb) lm->offB = off; else lm->offA = off;
                off += (size_t)t->rows * t->cols;
            }
        }
    l->nparams = off;
    l->data = XCALLOC(off, sizeof(float), "LoRA weights");
    if (!l->data) { sam_lora_free(l); return SAM_ERR_NOMEM; }
    *out = l;
    return SAM_OK;
}

int lora_matches_model(const sam_lora *l, const sam_model *m, const char *who) {
    const mdl_config *a = &l->mc, *b = &m->c;
    if (a->C != b->C || a->L != b->L || a->H != b->H || a->KV != b->KV || a->D != b->D || a->I != b->I || a->V != b->V)
        return err_set(SAM_ERR_SHAPE, "%s: the LoRA adapter was made for a different model (hidden %d, %d layers, intermediate %d) than this one (hidden %d, %d layers, intermediate %d). "
                       "HINT: create or load the adapter with the same base model.", who, a->C, a->L, a->I, b->C, b->L, b->I);
    return SAM_OK;
}

int lora_layer_has(const sam_lora *l, int layer, int attn_only) {
    if (!l || layer < l->first) return 0;
    for (int mod = 0; mod < (attn_only ? MOD_GATE : MOD_COUNT); mod++)
        if (l->mods[layer * MOD_COUNT + mod].on) return 1;
    return 0;
}

/* ---- public ---- */

int sam_lora_create(const sam_model *m, const sam_lora_config *cfg, uint64_t seed, sam_lora **out) {
    if (!out) return err_set(SAM_ERR_INVALID_ARG, "sam_lora_create: out is NULL. HINT: pass the address of a sam_lora* variable.");
    *out = NULL;
    int rc = check_cfg(m, cfg, "sam_lora_create");
    if (rc) return rc;
    sam_lora *l;
    if ((rc = lora_alloc(m, cfg, &l))) return rc;
    xoshiro256 rng;
    xoshiro_seed(&rng, seed);
    for (int i = 0; i < l->nt; i++) {
        const lora_tensor *t = &l->t[i];
        if (t->is_b) continue; /* B = 0 */
        const float bound = 1.0f / sqrtf((float)t->rows);
        float *a = l->data + t->off;
        for (size_t j = 0; j < (size_t)t->rows * t->cols; j++) a[j] = (2.0f * xoshiro_uniform(&rng) - 1.0f) * bound;
    }
    *out = l;
    return SAM_OK;
}

int sam_lora_load(const sam_model *m, const sam_lora_config *cfg, const char *path, sam_lora **out) {
    if (!out) return err_set(SAM_ERR_INVALID_ARG, "sam_lora_load: out is NULL. HINT: pass the address of a sam_lora* variable.");
    *out = NULL;
    int rc = check_cfg(m, cfg, "sam_lora_load");
    if (rc) return rc;
    if (!path) return err_set(SAM_ERR_INVALID_ARG, "sam_lora_load: path is NULL. HINT: pass the path of adapters.safetensors.");
    st_file f;
    if ((rc = st_open(&f, path))) return rc;
    sam_lora *l;
    if ((rc = lora_alloc(m, cfg, &l))) { st_close(&f); return rc; }
    strbuf sb;
    sb_init(&sb);
    int bad = 0;
    for (int i = 0; i < l->nt; i++) {
        const lora_tensor *t = &l->t[i];
        const st_tensor *s = st_find(&f, t->name);
        char got[96];
        if (!s) { sb_printf(&sb, "%s%s missing", bad++ ? "; " : "", t->name); continue; }
        if (s->dtype != ST_F32 || s->ndim != 2 || s->shape[0] != t->rows || s->shape[1] != t->cols) {
            sb_printf(&sb, "%s%s is %s, expected F32 [%d, %d]", bad++ ? "; " : "", t->name, st_describe(s, got, sizeof got), t->rows, t->cols);
            continue;
        }
        float *dst = l->data + t->off;
        memcpy(dst, s->data, s->nbytes);
        for (size_t j = 0; j < (size_t)t->rows * t->cols; j++)
            if (!isfinite(dst[j])) { sb_printf(&sb, "%s%s contains NaN or Inf", bad++ ? "; " : "", t->name); break; }
    }
    for (int i = 0; i < f.n; i++) { /* tensors the configuration does not expect */
        int known = 0;
        for (int j = 0; j < l->nt && !known; j++) known = strcmp(l->t[j].name, f.t[i].name) == 0;
        if (!known) sb_printf(&sb, "%sunexpected tensor %s", bad++ ? "; " : "", f.t[i].name);
    }
    st_close(&f);
    if (bad) {
        sam_lora_free(l);
        return err_set(SAM_ERR_SHAPE, "%s does not match the LoRA configuration (rank %d, num_layers %d, targets 0x%x) for this model: %d problem%s: %s. "
                       "HINT: load it with the adapter_config.json it was saved with (rank, num_layers, keys) and the same base model.",
                       path, cfg->rank, cfg->num_layers, cfg->targets, bad, bad == 1 ? "" : "s", sb.buf);
    }
    *out = l;
    return SAM_OK;
}

int sam_lora_save(const sam_lora *l, const char *path) {
    if (!l || !path) return err_set(SAM_ERR_INVALID_ARG, "sam_lora_save: NULL %s. HINT: pass an adapter and a file path.", !l ? "adapter" : "path");
    st_wtensor *w = XCALLOC((size_t)l->nt, sizeof *w, "adapter tensor list");
    if (!w) return SAM_ERR_NOMEM;
    for (int i = 0; i < l->nt; i++) {
        w[i].name = l->t[i].name;
        w[i].dtype = ST_F32;
        w[i].ndim = 2;
        w[i].shape[0] = l->t[i].rows;
        w[i].shape[1] = l->t[i].cols;
        w[i].data = l->data + l->t[i].off;
    }
    int rc = st_write_atomic(path, w, l->nt, NULL, 0);
    free(w);
    return rc;
}

int sam_lora_num_tensors(const sam_lora *l) {
    if (!l) return err_set(SAM_ERR_INVALID_ARG, "sam_lora_num_tensors: adapter is NULL. HINT: create or load it first."), -1;
    return l->nt;
}

static int check_index(const sam_lora *l, int32_t index, const char *who) {
    if (!l) return err_set(SAM_ERR_INVALID_ARG, "%s: adapter is NULL. HINT: create or load it first.", who);
    if (index < 0 || index >= l->nt)
        return err_set(SAM_ERR_INVALID_ARG, "%s: tensor index %d is out of range [0, %d). HINT: use sam_lora_num_tensors.", who, index, l->nt);
    return SAM_OK;
}

int sam_lora_tensor_info(const sam_lora *l, int32_t index, char *name, int32_t name_capacity, int32_t *rows, int32_t *cols) {
    int rc = check_index(l, index, "sam_lora_tensor_info");
    if (rc) return rc;
    const lora_tensor *t = &l->t[index];
    if (name) {
        if (name_capacity < (int32_t)strlen(t->name) + 1)
            return err_set(SAM_ERR_INVALID_ARG, "sam_lora_tensor_info: name buffer of %d bytes is too small for '%s'. HINT: pass at least 128 bytes.", name_capacity, t->name);
        memcpy(name, t->name, strlen(t->name) + 1);
    }
    if (rows) *rows = t->rows;
    if (cols) *cols = t->cols;
    return SAM_OK;
}

int sam_lora_read(const sam_lora *l, int32_t index, float *out) {
    int rc = check_index(l, index, "sam_lora_read");
    if (rc) return rc;
    if (!out) return err_set(SAM_ERR_INVALID_ARG, "sam_lora_read: out is NULL. HINT: pass a buffer of rows*cols floats.");
    memcpy(out, l->data + l->t[index].off, (size_t)l->t[index].rows * l->t[index].cols * sizeof(float));
    return SAM_OK;
}

int sam_lora_write(sam_lora *l, int32_t index, const float *in) {
    int rc = check_index(l, index, "sam_lora_write");
    if (rc) return rc;
    if (!in) return err_set(SAM_ERR_INVALID_ARG, "sam_lora_write: input is NULL. HINT: pass rows*cols floats.");
    size_t n = (size_t)l->t[index].rows * l->t[index].cols;
    for (size_t j = 0; j < n; j++)
        if (!isfinite(in[j])) return err_set(SAM_ERR_NUMERIC, "sam_lora_write: value %zu for %s is NaN or Inf. HINT: check the source of the values.", j, l->t[index].name);
    memcpy(l->data + l->t[index].off, in, n * sizeof(float));
    return SAM_OK;
}

void sam_lora_free(sam_lora *l) {
    if (!l) return;
    free(l->mods);
    free(l->t);
    free(l->data);
    free(l);
}
