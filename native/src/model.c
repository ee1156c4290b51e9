/* model.c — config.json parsing and binding of Qwen2 tensors (HF names) with full validation.
 * Reference for names and semantics: transformers/models/qwen2/modeling_qwen2.py and
 * mlx-lm's models/qwen2.py + utils.py (quantization config). */
#include "model.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "json.h"

const char *const MOD_PATH[MOD_COUNT] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                                         "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};

int mdl_in_dim(const mdl_config *c, int mod) {
    return mod == MOD_O ? c->HD : mod == MOD_DOWN ? c->I : c->C;
}
int mdl_out_dim(const mdl_config *c, int mod) {
    switch (mod) {
    case MOD_Q: return c->HD;
    case MOD_K: case MOD_V: return c->KVD;
    case MOD_GATE: case MOD_UP: return c->I;
    default: return c->C;
    }
}

int read_small_file(const char *path, size_t max, char **buf, size_t *len) {
    *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return err_set(SAM_ERR_IO, "cannot open %s: %s. HINT: check the path; a model directory needs config.json and *.safetensors.", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || (size_t)st.st_size > max) {
        fclose(f);
        return err_set(SAM_ERR_FORMAT, "%s is larger than %zu bytes. HINT: this is not the expected small JSON file.", path, max);
    }
    size_t n = (size_t)st.st_size;
    char *b = XMALLOC(n + 1, path);
    if (!b) { fclose(f); return SAM_ERR_NOMEM; }
    if (fread(b, 1, n, f) != n) {
        fclose(f);
        free(b);
        return err_set(SAM_ERR_IO, "cannot read %s. HINT: check the file permissions and the disk.", path);
    }
    fclose(f);
    b[n] = 0;
    *buf = b;
    *len = n;
    return SAM_OK;
}

/* ---- config.json ---- */

typedef struct {
    int bits, group;   /* defaults; 0 = model not quantized */
    const jdoc *doc;
    const jnode *q;    /* the quantization object (per-layer overrides) */
} quant_cfg;

#define HINT_CONFIG "HINT: use the config.json that was published with the model weights (HF or mlx-community repo)."

static int cfg_int(const jdoc *d, const jnode *root, const char *key, int required, int dflt, int *out, const char *path) {
    const jnode *n = json_get(d, root, key);
    if (!n || n->type == J_NULL) {
        if (required) return err_set(SAM_ERR_FORMAT, "%s: required field \"%s\" is missing. " HINT_CONFIG, path, key);
        *out = dflt;
        return SAM_OK;
    }
    if (n->type != J_NUM || n->num != floor(n->num) || n->num < 1 || n->num > 1e8)
        return err_set(SAM_ERR_FORMAT, "%s: field \"%s\" must be a positive integer. " HINT_CONFIG, path, key);
    *out = (int)n->num;
    return SAM_OK;
}

static int cfg_float(const jdoc *d, const jnode *root, const char *key, float *out, const char *path) {
    const jnode *n = json_get(d, root, key);
    if (!n || n->type == J_NULL) return err_set(SAM_ERR_FORMAT, "%s: required field \"%s\" is missing. " HINT_CONFIG, path, key);
    if (n->type != J_NUM || !(n->num > 0) || !isfinite(n->num))
        return err_set(SAM_ERR_FORMAT, "%s: field \"%s\" must be a positive number. " HINT_CONFIG, path, key);
    *out = (float)n->num;
    return SAM_OK;
}

static int quant_params(const jdoc *d, const jnode *q, const char *where, int *bits, int *group, const char *path) {
    const jnode *b = json_get(d, q, "bits"), *g = json_get(d, q, "group_size"), *mode = json_get(d, q, "mode");
    if (mode && (mode->type != J_STR || strcmp(mode->str, "affine") != 0))
        return err_set(SAM_ERR_FORMAT, "%s: quantization mode %s%s%s of %s is not supported (only \"affine\"). "
                       "HINT: use an MLX affine-quantized model (e.g. mlx-community/*-4bit) or the fp16/bf16 original.",
                       path, mode->type == J_STR ? "\"" : "", mode->type == J_STR ? mode->str : "(not a string)", mode->type == J_STR ? "\"" : "", where);
    if (!b || b->type != J_NUM || !g || g->type != J_NUM)
        return err_set(SAM_ERR_FORMAT, "%s: quantization of %s needs numeric \"bits\" and \"group_size\". " HINT_CONFIG, path, where);
    if (!q_bits_supported((int)b->num) || b->num != floor(b->num))
        return err_set(SAM_ERR_FORMAT, "%s: unsupported quantization bits %g for %s (supported: 2, 3, 4, 5, 6, 8). "
                       "HINT: re-quantize with mlx_lm.convert -q --q-bits 4 (or 8), or use the unquantized model.", path, b->num, where);
    if (!(g->num == 32 || g->num == 64 || g->num == 128))
        return err_set(SAM_ERR_FORMAT, "%s: unsupported quantization group_size %g for %s (supported: 32, 64, 128). "
                       "HINT: re-quantize with mlx_lm.convert --q-group-size 64.", path, g->num, where);
    *bits = (int)b->num;
    *group = (int)g->num;
    return SAM_OK;
}

static int parse_config(const char *path, mdl_config *c, jdoc *doc, quant_cfg *qc) {
    char *text;
    size_t len;
    int rc = read_small_file(path, 16u << 20, &text, &len);
    if (rc) return rc;
    rc = json_parse(doc, text, len, path);
    free(text);
    if (rc) return rc;
    const jnode *r = json_root(doc);
    if (r->type != J_OBJ) return err_set(SAM_ERR_FORMAT, "%s: not a JSON object. " HINT_CONFIG, path);
    const jnode *mt = json_get(doc, r, "model_type");
    if (mt && mt->type == J_STR && strcmp(mt->str, "qwen2") != 0)
        return err_set(SAM_ERR_FORMAT, "%s: model_type \"%s\" is not supported (only \"qwen2\"). "
                       "HINT: use a Qwen2 / Qwen2.5(-Coder) model.", path, mt->str);
    memset(c, 0, sizeof *c);
    if ((rc = cfg_int(doc, r, "hidden_size", 1, 0, &c->C, path)) || (rc = cfg_int(doc, r, "num_hidden_layers", 1, 0, &c->L, path)) ||
        (rc = cfg_int(doc, r, "num_attention_heads", 1, 0, &c->H, path)) || (rc = cfg_int(doc, r, "num_key_value_heads", 1, 0, &c->KV, path)) ||
        (rc = cfg_int(doc, r, "intermediate_size", 1, 0, &c->I, path)) || (rc = cfg_int(doc, r, "vocab_size", 1, 0, &c->V, path)) ||
        (rc = cfg_float(doc, r, "rope_theta", &c->theta, path)) || (rc = cfg_float(doc, r, "rms_norm_eps", &c->eps, path)))
        return rc;
    if (c->H % c->KV)
        return err_set(SAM_ERR_FORMAT, "%s: num_attention_heads %d is not a multiple of num_key_value_heads %d. " HINT_CONFIG, path, c->H, c->KV);
    if ((rc = cfg_int(doc, r, "head_dim", 0, c->C / c->H, &c->D, path))) return rc;
    if (c->D % 2 || c->D * c->H != c->C) {
        if (c->D % 2) return err_set(SAM_ERR_FORMAT, "%s: head_dim %d must be even for RoPE. " HINT_CONFIG, path, c->D);
    }
    c->HD = c->H * c->D;
    c->KVD = c->KV * c->D;
    const jnode *tie = json_get(doc, r, "tie_word_embeddings");
    c->tied = -1; /* decided from the weights when absent (HF default false; checkpoints omit it when tied) */
    if (tie) {
        if (tie->type != J_TRUE && tie->type != J_FALSE) return err_set(SAM_ERR_FORMAT, "%s: tie_word_embeddings must be true or false. " HINT_CONFIG, path);
        c->tied = tie->type == J_TRUE;
    }
    const jnode *rs = json_get(doc, r, "rope_scaling");
    if (rs && rs->type != J_NULL)
        return err_set(SAM_ERR_FORMAT, "%s: rope_scaling is not supported. HINT: remove it for contexts within max_position_embeddings, or use a model without RoPE scaling.", path);
    const jnode *sw = json_get(doc, r, "use_sliding_window");
    if (sw && sw->type == J_TRUE)
        return err_set(SAM_ERR_FORMAT, "%s: use_sliding_window=true is not supported. HINT: set it to false (Qwen2.5 models ship with false).", path);
    qc->bits = qc->group = 0;
    qc->doc = doc;
    qc->q = json_get(doc, r, "quantization");
    if (!qc->q || qc->q->type == J_NULL) qc->q = json_get(doc, r, "quantization_config");
    if (qc->q && qc->q->type == J_NULL) qc->q = NULL;
    if (qc->q) {
        if (qc->q->type != J_OBJ) return err_set(SAM_ERR_FORMAT, "%s: \"quantization\" must be an object. " HINT_CONFIG, path);
        if ((rc = quant_params(doc, qc->q, "the model", &qc->bits, &qc->group, path))) return rc;
    }
    return SAM_OK;
}

/* ---- tensor lookup over shards ---- */

static const st_tensor *find_tensor(const sam_model *m, const char *name, const st_file **file) {
    for (int i = 0; i < m->nfiles; i++) {
        const st_tensor *t = st_find(&m->files[i], name);
        if (t) { if (file) *file = &m->files[i]; return t; }
    }
    return NULL;
}

static int missing(const sam_model *m, const char *name) {
    return err_set(SAM_ERR_SHAPE, "tensor '%s' is missing from %s (%d safetensors file%s). "
                   "HINT: the model directory is incomplete or is not a Qwen2 model; re-download all shards.",
                   name, m->dir, m->nfiles, m->nfiles == 1 ? "" : "s");
}

static int shape_err(const sam_model *m, const st_tensor *t, const char *want) {
    char got[128];
    return err_set(SAM_ERR_SHAPE, "tensor '%s' in %s is %s but config.json (hidden_size=%d, heads=%d/%d, head_dim=%d, intermediate_size=%d, vocab_size=%d) implies %s. "
                   "HINT: config.json and the weights do not belong to the same model.",
                   t->name, m->dir, st_describe(t, got, sizeof got), m->c.C, m->c.H, m->c.KV, m->c.D, m->c.I, m->c.V, want);
}

static int is_2d(const st_tensor *t, int64_t r, int64_t c) { return t->ndim == 2 && t->shape[0] == r && t->shape[1] == c; }

/* Per-layer override of the quantization parameters, keyed by module path ("model.layers.0.mlp.down_proj"). */
static int module_quant(const sam_model *m, const quant_cfg *qc, const char *base, int *bits, int *group, int *explicit_off) {
    *bits = qc->bits;
    *group = qc->group;
    *explicit_off = 0;
    const jnode *o = json_get(qc->doc, qc->q, base);
    if (!o) return SAM_OK;
    if (o->type == J_FALSE) { *explicit_off = 1; return SAM_OK; }
    if (o->type == J_TRUE) return SAM_OK;
    if (o->type != J_OBJ) return err_set(SAM_ERR_FORMAT, "%s/config.json: quantization entry for %s must be an object or boolean. " HINT_CONFIG, m->dir, base);
    return quant_params(qc->doc, o, base, bits, group, m->dir);
}

/* Binds <base>.weight (+ .scales/.biases when quantized) as a [rows, cols] matrix. */
static int bind_matrix(sam_model *m, const quant_cfg *qc, const char *base, int rows, int cols, wmat *W) {
    char name[256], want[160];
    memset(W, 0, sizeof *W);
    W->rows = rows;
    W->cols = cols;
    snprintf(name, sizeof name, "%s.weight", base);
    const st_tensor *w = find_tensor(m, name, NULL);
    if (!w) return missing(m, name);
    W->name = w->name;
    snprintf(name, sizeof name, "%s.scales", base);
    const st_tensor *s = find_tensor(m, name, NULL);
    if (!s) {
        if (w->dtype == ST_F32) W->kind = WM_F32;
        else if (w->dtype == ST_F16) W->kind = WM_F16;
        else if (w->dtype == ST_BF16) W->kind = WM_BF16;
        else {
            snprintf(want, sizeof want, "F32/F16/BF16 [%d, %d] (or U32 with .scales/.biases when quantized)", rows, cols);
            return shape_err(m, w, want);
        }
        snprintf(want, sizeof want, "[%d, %d]", rows, cols);
        if (!is_2d(w, rows, cols)) return shape_err(m, w, want);
        W->w = w->data;
        if (W->kind == WM_F32 && ((uintptr_t)w->data & 3) == 0) W->direct = (const float *)(const void *)w->data;
        return SAM_OK;
    }
    int bits, group, off, rc;
    if (!qc->q)
        return err_set(SAM_ERR_FORMAT, "tensor '%s' in %s is quantized but config.json has no \"quantization\" section. "
                       "HINT: use the config.json written by mlx_lm.convert together with these weights.", name, m->dir);
    if ((rc = module_quant(m, qc, base, &bits, &group, &off))) return rc;
    if (off)
        return err_set(SAM_ERR_FORMAT, "tensor '%s' in %s is quantized but config.json marks %s as not quantized. " HINT_CONFIG, name, m->dir, base);
    if (cols % group)
        return err_set(SAM_ERR_SHAPE, "%s: input size %d of %s is not a multiple of the quantization group size %d. " HINT_CONFIG, m->dir, cols, base, group);
    snprintf(name, sizeof name, "%s.biases", base);
    const st_tensor *b = find_tensor(m, name, NULL);
    if (!b) return missing(m, name);
    W->kind = WM_Q;
    W->bits = bits;
    W->group = group;
    snprintf(want, sizeof want, "U32 [%d, %d] (%d-bit, group %d)", rows, cols * bits / 32, bits, group);
    if (w->dtype != ST_U32 || !is_2d(w, rows, (int64_t)cols * bits / 32)) return shape_err(m, w, want);
    snprintf(want, sizeof want, "F16 or BF16 [%d, %d] (group size %d)", rows, cols / group, group);
    if ((s->dtype != ST_F16 && s->dtype != ST_BF16) || !is_2d(s, rows, cols / group)) return shape_err(m, s, want);
    snprintf(want, sizeof want, "%s [%d, %d] like its scales", st_dtype_name(s->dtype), rows, cols / group);
    if (b->dtype != s->dtype || !is_2d(b, rows, cols / group)) return shape_err(m, b, want);
    W->w = w->data;
    W->scales = s->data;
    W->biases = b->data;
    W->sb_bf16 = s->dtype == ST_BF16;
    if (!half_all_finite(s->data, (size_t)s->numel, W->sb_bf16) || !half_all_finite(b->data, (size_t)b->numel, W->sb_bf16))
        return err_set(SAM_ERR_NUMERIC, "quantization %s of %s in %s contain NaN or Inf. HINT: the model file is corrupt; re-download or re-quantize it.",
                       !half_all_finite(s->data, (size_t)s->numel, W->sb_bf16) ? "scales" : "biases", base, m->dir);
    return SAM_OK;
}

/* Converts a 1-D tensor of n elements to fp32 into dst and checks it is finite. */
static int bind_vector(sam_model *m, const char *name, int n, float *dst) {
    const st_tensor *t = find_tensor(m, name, NULL);
    if (!t) return missing(m, name);
    char want[64];
    snprintf(want, sizeof want, "F32/F16/BF16 [%d]", n);
    if (t->ndim != 1 || t->shape[0] != n || (t->dtype != ST_F32 && t->dtype != ST_F16 && t->dtype != ST_BF16)) return shape_err(m, t, want);
    wmat v = {.kind = t->dtype == ST_F32 ? WM_F32 : t->dtype == ST_F16 ? WM_F16 : WM_BF16, .rows = 1, .cols = n, .w = t->data};
    wmat_rows(&v, 0, 1, dst);
    for (int i = 0; i < n; i++)
        if (!isfinite(dst[i]))
            return err_set(SAM_ERR_NUMERIC, "tensor '%s' in %s contains NaN or Inf (element %d). HINT: the model file is corrupt; re-download it.", name, m->dir, i);
    return SAM_OK;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Collects the shard files: from model.safetensors.index.json when present, else every *.safetensors. */
static int list_shards(const char *dir, char ***out, int *count) {
    char path[4096];
    char **names = NULL;
    int n = 0, cap = 0, rc = SAM_OK;
    snprintf(path, sizeof path, "%s/model.safetensors.index.json", dir);
    struct stat st;
    if (stat(path, &st) == 0) {
        char *text;
        size_t len;
        jdoc d;
        if ((rc = read_small_file(path, 64u << 20, &text, &len))) return rc;
        rc = json_parse(&d, text, len, path);
        free(text);
        if (rc) return rc;
        const jnode *wm = json_get(&d, json_root(&d), "weight_map");
        if (!wm || wm->type != J_OBJ) {
            json_free(&d);
            return err_set(SAM_ERR_FORMAT, "%s has no \"weight_map\" object. HINT: re-download the model or delete the index to scan *.safetensors.", path);
        }
        for (const jnode *e = json_child(&d, wm); e && !rc; e = json_next(&d, e)) {
            if (e->type != J_STR || strchr(e->str, '/')) { rc = err_set(SAM_ERR_FORMAT, "%s: weight_map entry '%s' is not a plain file name. HINT: re-download the model.", path, e->key); break; }
            int dup = 0;
            for (int i = 0; i < n; i++) dup |= strcmp(names[i], e->str) == 0;
            if (dup) continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                char **nn = realloc(names, (size_t)cap * sizeof *nn);
                if (!nn) { rc = err_set(SAM_ERR_NOMEM, "out of memory. HINT: free memory."); break; }
                names = nn;
            }
            if (!(names[n] = strdup(e->str))) { rc = err_set(SAM_ERR_NOMEM, "out of memory. HINT: free memory."); break; }
            n++;
        }
        json_free(&d);
    } else {
        DIR *dp = opendir(dir);
        if (!dp) return err_set(SAM_ERR_IO, "cannot open model directory %s: %s. HINT: pass the directory holding config.json and model*.safetensors.", dir, strerror(errno));
        struct dirent *de;
        while ((de = readdir(dp))) {
            size_t l = strlen(de->d_name);
            if (l < 12 || strcmp(de->d_name + l - 12, ".safetensors") != 0 || de->d_name[0] == '.') continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                char **nn = realloc(names, (size_t)cap * sizeof *nn);
                if (!nn) { rc = err_set(SAM_ERR_NOMEM, "out of memory. HINT: free memory."); break; }
                names = nn;
            }
            if (!(names[n] = strdup(de->d_name))) { rc = err_set(SAM_ERR_NOMEM, "out of memory. HINT: free memory."); break; }
            n++;
        }
        closedir(dp);
    }
    if (!rc && n == 0)
        rc = err_set(SAM_ERR_IO, "no *.safetensors files in %s. HINT: download the model weights (model.safetensors or model-0000x-of-0000y.safetensors) next to config.json.", dir);
    if (rc) {
        for (int i = 0; i < n; i++) free(names[i]);
        free(names);
        return rc;
    }
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    *out = names;
    *count = n;
    return SAM_OK;
}

static int64_t count_params(const mdl_config *c) {
    int64_t per = (int64_t)c->C * c->HD + c->HD + 2 * ((int64_t)c->C * c->KVD + c->KVD) + (int64_t)c->HD * c->C + 3 * (int64_t)c->C * c->I + 2 * c->C;
    return (int64_t)c->V * c->C * (c->tied ? 1 : 2) + c->L * per + c->C;
}

static int model_open(const char *dir, sam_model *m) {
    char path[4096];
    int rc;
    jdoc doc = {0};
    quant_cfg qc;
    if (strlen(dir) > 3000) return err_set(SAM_ERR_INVALID_ARG, "model directory path is too long. HINT: use a shorter path.");
    if (!(m->dir = strdup(dir))) return err_set(SAM_ERR_NOMEM, "out of memory. HINT: free memory.");
    snprintf(path, sizeof path, "%s/config.json", dir);
    if ((rc = parse_config(path, &m->c, &doc, &qc))) goto done;
    mdl_config *c = &m->c;

    char **shards = NULL;
    int nshards = 0;
    if ((rc = list_shards(dir, &shards, &nshards))) goto done;
    m->files = XCALLOC((size_t)nshards, sizeof *m->files, "shard list");
    for (int i = 0; i < nshards; i++) {
        if (!rc && m->files) {
            snprintf(path, sizeof path, "%s/%s", dir, shards[i]);
            if ((rc = st_open(&m->files[i], path)) == SAM_OK) m->nfiles++;
        }
        free(shards[i]);
    }
    free(shards);
    if (!m->files) { rc = SAM_ERR_NOMEM; goto done; }
    if (rc) goto done;
    for (int i = 1; i < m->nfiles; i++)
        for (int j = 0; j < m->files[i].n; j++)
            for (int k = 0; k < i; k++)
                if (st_find(&m->files[k], m->files[i].t[j].name)) {
                    rc = err_set(SAM_ERR_FORMAT, "tensor '%s' is in both %s and %s. HINT: remove stray or duplicate .safetensors files from %s.",
                                 m->files[i].t[j].name, m->files[k].path, m->files[i].path, dir);
                    goto done;
                }

    if (c->tied < 0) c->tied = find_tensor(m, "lm_head.weight", NULL) == NULL;
    m->layers = XCALLOC((size_t)c->L, sizeof *m->layers, "layer table");
    size_t nsmall = (size_t)c->C + (size_t)c->L * (2 * (size_t)c->C + c->HD + 2 * (size_t)c->KVD);
    m->small = XMALLOC(nsmall * sizeof(float), "norm and bias weights");
    if (!m->layers || !m->small) { rc = SAM_ERR_NOMEM; goto done; }
    float *sp = m->small;
    if ((rc = bind_matrix(m, &qc, "model.embed_tokens", c->V, c->C, &m->embed))) goto done;
    for (int l = 0; l < c->L; l++) {
        mdl_layer *ly = &m->layers[l];
        char base[160];
        for (int mod = 0; mod < MOD_COUNT; mod++) {
            snprintf(base, sizeof base, "model.layers.%d.%s", l, MOD_PATH[mod]);
            if ((rc = bind_matrix(m, &qc, base, mdl_out_dim(c, mod), mdl_in_dim(c, mod), &ly->w[mod]))) goto done;
        }
        static const char *const bn[3] = {"q_proj", "k_proj", "v_proj"};
        const float **bd[3] = {&ly->bq, &ly->bk, &ly->bv};
        for (int i = 0; i < 3; i++) {
            int n = i == 0 ? c->HD : c->KVD;
            snprintf(base, sizeof base, "model.layers.%d.self_attn.%s.bias", l, bn[i]);
            if ((rc = bind_vector(m, base, n, sp))) goto done;
            *bd[i] = sp;
            sp += n;
        }
        snprintf(base, sizeof base, "model.layers.%d.input_layernorm.weight", l);
        if ((rc = bind_vector(m, base, c->C, sp))) goto done;
        ly->ln1 = sp;
        sp += c->C;
        snprintf(base, sizeof base, "model.layers.%d.post_attention_layernorm.weight", l);
        if ((rc = bind_vector(m, base, c->C, sp))) goto done;
        ly->ln2 = sp;
        sp += c->C;
    }
    if ((rc = bind_vector(m, "model.norm.weight", c->C, sp))) goto done;
    m->norm = sp;
    if (c->tied) m->head = m->embed;
    else if ((rc = bind_matrix(m, &qc, "lm_head", c->V, c->C, &m->head))) goto done;

    sam_model_info *in = &m->info;
    in->hidden_size = c->C;
    in->num_layers = c->L;
    in->num_heads = c->H;
    in->num_kv_heads = c->KV;
    in->head_dim = c->D;
    in->intermediate_size = c->I;
    in->vocab_size = c->V;
    in->tie_word_embeddings = c->tied;
    in->rope_theta = c->theta;
    in->rms_norm_eps = c->eps;
    in->weight_dtype = m->layers[0].w[MOD_Q].kind;
    in->quant_bits = m->layers[0].w[MOD_Q].bits;
    in->quant_group_size = m->layers[0].w[MOD_Q].group;
    in->num_params = count_params(c);
done:
    json_free(&doc);
    return rc;
}

/* ---- public ---- */

int sam_model_open(const char *model_dir, sam_model **out) {
    if (!out) return err_set(SAM_ERR_INVALID_ARG, "sam_model_open: out is NULL. HINT: pass the address of a sam_model* variable.");
    *out = NULL;
    if (!model_dir || !model_dir[0]) return err_set(SAM_ERR_INVALID_ARG, "sam_model_open: model_dir is NULL or empty. HINT: pass the model directory.");
    sam_model *m = XCALLOC(1, sizeof *m, "model");
    if (!m) return SAM_ERR_NOMEM;
    int rc = model_open(model_dir, m);
    if (rc) {
        sam_model_free(m);
        return rc;
    }
    *out = m;
    return SAM_OK;
}

int sam_model_get_info(const sam_model *m, sam_model_info *out) {
    if (!m || !out) return err_set(SAM_ERR_INVALID_ARG, "sam_model_get_info: NULL %s. HINT: open the model first.", !m ? "model" : "out");
    *out = m->info;
    return SAM_OK;
}

void sam_model_free(sam_model *m) {
    if (!m) return;
    for (int i = 0; i < m->nfiles; i++) st_close(&m->files[i]);
    free(m->files);
    free(m->layers);
    free(m->small);
    free(m->dir);
    free(m);
}

/* Finds the bound matrix or vector called name (as stored, e.g. "model.layers.0.self_attn.q_proj.weight"). */
static int lookup_weight(const sam_model *m, const char *name, const wmat **W, const float **vec, int *n) {
    *W = NULL;
    *vec = NULL;
    if (strcmp(m->embed.name, name) == 0) { *W = &m->embed; return 1; }
    if (!m->c.tied && strcmp(m->head.name, name) == 0) { *W = &m->head; return 1; }
    if (strcmp(name, "model.norm.weight") == 0) { *vec = m->norm; *n = m->c.C; return 1; }
    for (int l = 0; l < m->c.L; l++) {
        const mdl_layer *ly = &m->layers[l];
        for (int mod = 0; mod < MOD_COUNT; mod++)
            if (strcmp(ly->w[mod].name, name) == 0) { *W = &ly->w[mod]; return 1; }
        char buf[160];
        const char *vn[5] = {"self_attn.q_proj.bias", "self_attn.k_proj.bias", "self_attn.v_proj.bias", "input_layernorm.weight", "post_attention_layernorm.weight"};
        const float *vp[5] = {ly->bq, ly->bk, ly->bv, ly->ln1, ly->ln2};
        const int vl[5] = {m->c.HD, m->c.KVD, m->c.KVD, m->c.C, m->c.C};
        for (int i = 0; i < 5; i++) {
            snprintf(buf, sizeof buf, "model.layers.%d.%s", l, vn[i]);
            if (strcmp(buf, name) == 0) { *vec = vp[i]; *n = vl[i]; return 1; }
        }
    }
    return 0;
}

int sam_model_weight_info(const sam_model *m, const char *name, int32_t *rows, int32_t *cols) {
    if (!m || !name || !rows || !cols) return err_set(SAM_ERR_INVALID_ARG, "sam_model_weight_info: NULL argument. HINT: pass a model, a tensor name and two outputs.");
    const wmat *W;
    const float *v;
    int n;
    if (!lookup_weight(m, name, &W, &v, &n))
        return err_set(SAM_ERR_INVALID_ARG, "sam_model_weight_info: the model has no weight '%s'. HINT: use HF names such as model.layers.0.self_attn.q_proj.weight.", name);
    *rows = W ? W->rows : 1;
    *cols = W ? W->cols : n;
    return SAM_OK;
}

int sam_model_weight_rows(const sam_model *m, const char *name, int32_t row0, int32_t nrows, float *out) {
    int32_t r, c;
    int rc = sam_model_weight_info(m, name, &r, &c);
    if (rc) return rc;
    if (!out || row0 < 0 || nrows < 0 || row0 > r - nrows)
        return err_set(SAM_ERR_INVALID_ARG, "sam_model_weight_rows: rows [%d, %d) are outside %s (%d rows) or out is NULL. HINT: check row0 and nrows.", row0, row0 + nrows, name, r);
    const wmat *W;
    const float *v;
    int n;
    lookup_weight(m, name, &W, &v, &n);
    if (W) wmat_rows(W, row0, nrows, out);
    else if (nrows) memcpy(out, v, (size_t)n * sizeof(float));
    return SAM_OK;
}
