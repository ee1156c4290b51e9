/* test_errors.c — every bad input gives the documented status code and a message that says what
 * is wrong, where (file, tensor, field, layer) and carries a HINT. Corrupt files are built in a
 * temporary directory from the fixture. Run under -fsanitize=address (SAM_SANITIZE=ON) this also
 * checks that error paths leak nothing. Also covers the formats accepted beside the fixture:
 * sharded models (with and without index) and unaligned tensor data. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "quant.h"
#include "test_util.h"

static char *TMP;
static tu_expected E;

static const char *tmp_path(const char *rel) {
    static char buf[8][4096];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", TMP, rel);
    return b;
}

/* Model directory tmp/<name> with the given config text (NULL: copy from src) and a rewritten
 * model.safetensors of src (edit may be NULL). */
static const char *model_dir(const char *name, const char *src, const char *config, tu_edit_fn edit, void *ctx) {
    const char *dir = tmp_path(name);
    mkdir(dir, 0755);
    char p[4096], s[4096];
    snprintf(p, sizeof p, "%s/config.json", dir);
    if (config) tu_write_file(p, config, strlen(config));
    else { snprintf(s, sizeof s, "%s/config.json", src); tu_copy_file(s, p); }
    snprintf(p, sizeof p, "%s/model.safetensors", dir);
    snprintf(s, sizeof s, "%s/model.safetensors", src);
    if (edit) tu_rewrite_safetensors(s, p, edit, ctx);
    else tu_copy_file(s, p);
    return dir;
}

/* Raw safetensors file from a header string and n data bytes. */
static const char *raw_file(const char *name, const char *header, size_t ndata) {
    const char *path = tmp_path(name);
    size_t hl = strlen(header);
    uint8_t *buf = calloc(8 + hl + ndata, 1);
    uint64_t h = hl;
    memcpy(buf, &h, 8);
    memcpy(buf + 8, header, hl);
    tu_write_file(path, buf, 8 + hl + ndata);
    free(buf);
    return path;
}

static sam_model *FP, *Q;

/* ---------------- safetensors container ---------------- */
static void test_safetensors_files(void) {
    sam_lora_config lc = tu_fixture_lora_cfg();
    sam_lora *l = NULL;
    const char *p = tmp_path("tiny.safetensors");
    tu_write_file(p, "\x05\x00\x00", 3);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_FORMAT, "truncated", "tiny.safetensors");
    p = raw_file("hlen.safetensors", "{}", 0);
    uint8_t *d;
    size_t n;
    tu_read_file(p, &d, &n);
    uint64_t big = 1ull << 40;
    memcpy(d, &big, 8);
    tu_write_file(p, d, n);
    free(d);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_FORMAT, "header length", "larger than the file", "hlen.safetensors");
    p = raw_file("range.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_FORMAT, "'a'", "out of range", "range.safetensors");
    p = raw_file("size.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_FORMAT, "'a'", "spans 8 bytes", "need 12");
    p = raw_file("json.safetensors", "{\"a\":{\"dtype\":\"F32\",", 8);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_FORMAT, "invalid JSON", "line 1", "json.safetensors");
    p = raw_file("dtype.safetensors", "{\"a\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_FORMAT, "unknown dtype 'F33'");
    p = raw_file("neg.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_FORMAT, "invalid shape");
    p = raw_file("meta.safetensors", "{\"__metadata__\":{\"k\":3}}", 0);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_FORMAT, "__metadata__", "'k'");
    p = raw_file("dup.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_FORMAT, "'a' appears twice");
    /* the format forbids overlapping, aliased, gapped and trailing data (issue 22: such files were loaded) */
    p = raw_file("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_FORMAT, "'b'", "overlapping or aliased", "overlap.safetensors");
    p = raw_file("alias.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_FORMAT, "overlapping or aliased", "ends at 8");
    p = raw_file("gap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_FORMAT, "'a'", "gap between tensors");
    p = raw_file("tail.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_FORMAT, "4 bytes after the last tensor");
    CHECK_ERR(sam_lora_load(FP, &lc, tmp_path("does-not-exist.safetensors"), &l), SAM_ERR_IO, "does-not-exist.safetensors");
    CHECK(l == NULL, "out must stay NULL on failure");
    /* model whose weights file is cut short: the last tensors' offsets leave the file */
    const char *dir = model_dir("cut", tu_fixture("fp32"), NULL, NULL, NULL);
    char mp[4096];
    snprintf(mp, sizeof mp, "%s/model.safetensors", dir);
    tu_read_file(mp, &d, &n);
    tu_write_file(mp, d, n - 1000);
    free(d);
    sam_model *m = NULL;
    CHECK_ERR(sam_model_open(dir, &m), SAM_ERR_FORMAT, "data_offsets", "out of range", "cut/model.safetensors");
    CHECK(m == NULL, "model must stay NULL on failure");
}

/* ---------------- model binding ---------------- */
static const char *g_target;
static float g_buf[64 * 160];
static int e_drop(const st_tensor *t, void *c, st_wtensor *r) { return strcmp(t->name, g_target) == 0; }
static int e_halfshape(const st_tensor *t, void *c, st_wtensor *r) {
    if (strcmp(t->name, g_target)) return 0;
    r->shape[1] /= 2;
    return 2;
}
static int e_poison(const st_tensor *t, void *c, st_wtensor *r) { /* c: the value to put at element 5 */
    if (strcmp(t->name, g_target)) return 0;
    memcpy(g_buf, t->data, t->nbytes);
    if (t->dtype == ST_F16) ((uint16_t *)g_buf)[5] = f32_to_f16(*(float *)c);
    else g_buf[5] = *(float *)c;
    r->data = g_buf;
    return 2;
}
static int e_no_embed(const st_tensor *t, void *c, st_wtensor *r) { return strcmp(t->name, "model.embed_tokens.weight") == 0; }
static int e_scale_all(const st_tensor *t, void *c, st_wtensor *r) { /* every element of g_target set to *c */
    if (strcmp(t->name, g_target)) return 0;
    for (int64_t i = 0; i < t->numel; i++) g_buf[i] = *(float *)c;
    r->data = g_buf;
    return 2;
}
static int e_only_embed(const st_tensor *t, void *c, st_wtensor *r) { return strcmp(t->name, "model.embed_tokens.weight") == 0 ? 0 : 1; }
static int e_layers01(const st_tensor *t, void *c, st_wtensor *r) { return strstr(t->name, "layers.2.") != NULL; }

static char *config_with(const char *from, const char *to) {
    uint8_t *d;
    size_t n;
    tu_read_file(tu_fixture("fp32/config.json"), &d, &n);
    char *s = malloc(n + strlen(to) + 64);
    const char *at = strstr((char *)d, from);
    if (!at) { snprintf(s, n + 64, "%s", (char *)d); free(d); return s; }
    size_t pre = (size_t)(at - (char *)d);
    memcpy(s, d, pre);
    strcpy(s + pre, to);
    strcat(s, at + strlen(from));
    free(d);
    return s;
}

static void test_model_errors(void) {
    sam_model *m = NULL;
    g_target = "model.layers.1.mlp.up_proj.weight";
    CHECK_ERR(sam_model_open(model_dir("missing", tu_fixture("fp32"), NULL, e_drop, NULL), &m), SAM_ERR_SHAPE,
              "'model.layers.1.mlp.up_proj.weight' is missing");
    g_target = "model.layers.0.self_attn.q_proj.weight";
    CHECK_ERR(sam_model_open(model_dir("shape", tu_fixture("fp32"), NULL, e_halfshape, NULL), &m), SAM_ERR_SHAPE,
              "model.layers.0.self_attn.q_proj.weight", "F32 [64, 32]", "[64, 64]", "config.json");
    float nan = NAN, inf = INFINITY;
    g_target = "model.layers.2.post_attention_layernorm.weight";
    CHECK_ERR(sam_model_open(model_dir("nan-norm", tu_fixture("fp32"), NULL, e_poison, &nan), &m), SAM_ERR_NUMERIC,
              "model.layers.2.post_attention_layernorm.weight", "NaN");
    g_target = "model.layers.0.self_attn.k_proj.bias";
    CHECK_ERR(sam_model_open(model_dir("inf-bias", tu_fixture("fp32"), NULL, e_poison, &inf), &m), SAM_ERR_NUMERIC,
              "model.layers.0.self_attn.k_proj.bias");
    g_target = "model.layers.1.mlp.gate_proj.scales";
    CHECK_ERR(sam_model_open(model_dir("nan-scales", tu_fixture("mlx-4bit-g32"), NULL, e_poison, &nan), &m), SAM_ERR_NUMERIC,
              "scales", "model.layers.1.mlp.gate_proj");
    /* config.json problems */
    char *c = config_with("\"hidden_size\": 64,", "");
    CHECK_ERR(sam_model_open(model_dir("no-hidden", tu_fixture("fp32"), c, NULL, NULL), &m), SAM_ERR_FORMAT, "\"hidden_size\" is missing", "config.json");
    free(c);
    c = config_with("\"rms_norm_eps\": 1e-06,", "");
    CHECK_ERR(sam_model_open(model_dir("no-eps", tu_fixture("fp32"), c, NULL, NULL), &m), SAM_ERR_FORMAT, "\"rms_norm_eps\" is missing");
    free(c);
    CHECK_ERR(sam_model_open(model_dir("not-json", tu_fixture("fp32"), "{\"hidden_size\": 64,,}", NULL, NULL), &m), SAM_ERR_FORMAT, "invalid JSON", "config.json");
    c = config_with("\"qwen2\"", "\"llama\"");
    CHECK_ERR(sam_model_open(model_dir("llama", tu_fixture("fp32"), c, NULL, NULL), &m), SAM_ERR_FORMAT, "model_type \"llama\"");
    free(c);
    c = config_with("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3");
    CHECK_ERR(sam_model_open(model_dir("kv3", tu_fixture("fp32"), c, NULL, NULL), &m), SAM_ERR_FORMAT, "num_key_value_heads 3");
    free(c);
    c = config_with("\"vocab_size\": 320", "\"vocab_size\": \"320\"");
    CHECK_ERR(sam_model_open(model_dir("vocab-str", tu_fixture("fp32"), c, NULL, NULL), &m), SAM_ERR_FORMAT, "\"vocab_size\" must be a positive integer");
    free(c);
    /* quantization */
    uint8_t *qc;
    size_t qn;
    tu_read_file(tu_fixture("mlx-4bit-g32/config.json"), &qc, &qn);
    char *q7 = strdup((char *)qc), *p7 = strstr(q7, "\"bits\": 4");
    p7[8] = '7';
    CHECK_ERR(sam_model_open(model_dir("bits7", tu_fixture("mlx-4bit-g32"), q7, NULL, NULL), &m), SAM_ERR_FORMAT, "unsupported quantization bits 7");
    char *g48 = strdup((char *)qc), *pg = strstr(g48, "\"group_size\": 32");
    memcpy(pg + 14, "48", 2);
    CHECK_ERR(sam_model_open(model_dir("g48", tu_fixture("mlx-4bit-g32"), g48, NULL, NULL), &m), SAM_ERR_FORMAT, "group_size 48");
    char *mode = strdup((char *)qc), *pm = strstr(mode, "\"bits\": 4");
    char modebuf[1024];
    snprintf(modebuf, sizeof modebuf, "%.*s\"mode\": \"mxfp4\", %s", (int)(pm - mode), mode, pm);
    CHECK_ERR(sam_model_open(model_dir("mxfp4", tu_fixture("mlx-4bit-g32"), modebuf, NULL, NULL), &m), SAM_ERR_FORMAT, "mode \"mxfp4\"");
    char *noq = strdup((char *)qc), *pq = strstr(noq, ",\n  \"quantization\"");
    strcpy(pq, "\n}");
    CHECK_ERR(sam_model_open(model_dir("noquant", tu_fixture("mlx-4bit-g32"), noq, NULL, NULL), &m), SAM_ERR_FORMAT, "is quantized but config.json has no \"quantization\"");
    /* per-layer override (mlx-lm writes them keyed by module path): 8 bits claimed for a 4-bit layer */
    char *ov = strdup((char *)qc), *po = strstr(ov, "\"bits\": 4");
    char ovbuf[1024];
    snprintf(ovbuf, sizeof ovbuf, "%.*s\"model.layers.1.mlp.down_proj\": {\"group_size\": 32, \"bits\": 8}, %s", (int)(po - ov), ov, po);
    CHECK_ERR(sam_model_open(model_dir("override", tu_fixture("mlx-4bit-g32"), ovbuf, NULL, NULL), &m), SAM_ERR_SHAPE,
              "model.layers.1.mlp.down_proj.weight", "8-bit");
    free(qc); free(q7); free(g48); free(mode); free(noq); free(ov);
    /* directory problems */
    CHECK_ERR(sam_model_open(tmp_path("no-such-model"), &m), SAM_ERR_IO, "no-such-model/config.json");
    const char *empty = tmp_path("empty");
    mkdir(empty, 0755);
    char cp[4096];
    snprintf(cp, sizeof cp, "%s/config.json", empty);
    tu_copy_file(tu_fixture("fp32/config.json"), cp);
    CHECK_ERR(sam_model_open(empty, &m), SAM_ERR_IO, "no *.safetensors");
    /* duplicate tensor across shards */
    const char *dup = model_dir("dup", tu_fixture("fp32"), NULL, NULL, NULL);
    snprintf(cp, sizeof cp, "%s/model-extra.safetensors", dup);
    tu_rewrite_safetensors(tu_fixture("fp32/model.safetensors"), cp, e_only_embed, NULL);
    CHECK_ERR(sam_model_open(dup, &m), SAM_ERR_FORMAT, "'model.embed_tokens.weight' is in both");
    CHECK(m == NULL, "model stays NULL");
}

/* Two shards (embedding apart), with and without model.safetensors.index.json: same loss. */
static void test_sharded(void) {
    const char *dir = tmp_path("sharded");
    mkdir(dir, 0755);
    char p[4096];
    snprintf(p, sizeof p, "%s/config.json", dir);
    tu_copy_file(tu_fixture("fp32/config.json"), p);
    snprintf(p, sizeof p, "%s/model-00001-of-00002.safetensors", dir);
    tu_rewrite_safetensors(tu_fixture("fp32/model.safetensors"), p, e_only_embed, NULL);
    snprintf(p, sizeof p, "%s/model-00002-of-00002.safetensors", dir);
    tu_rewrite_safetensors(tu_fixture("fp32/model.safetensors"), p, e_no_embed, NULL);
    int32_t len = E.n;
    uint8_t mask[64];
    for (int i = 0; i < E.n; i++) mask[i] = 1;
    for (int idx = 0; idx < 2; idx++) {
        if (idx) { /* an index naming both shards, plus a stray file the index excludes */
            snprintf(p, sizeof p, "%s/model.safetensors.index.json", dir);
            const char *ix = "{\"metadata\": {}, \"weight_map\": {\"model.embed_tokens.weight\": \"model-00001-of-00002.safetensors\", \"model.norm.weight\": \"model-00002-of-00002.safetensors\"}}";
            tu_write_file(p, ix, strlen(ix));
            snprintf(p, sizeof p, "%s/stray.safetensors", dir);
            tu_copy_file(tu_fixture("fp32/model.safetensors"), p);
        }
        sam_model *m = NULL;
        CHECK_OK(sam_model_open(dir, &m));
        double s;
        int64_t nt;
        if (m) CHECK_OK(sam_eval_loss(m, NULL, E.ids, &len, mask, 1, E.n, &s, &nt));
        CHECK(m && tu_rel(s / nt, E.loss_fp32) < 1e-4, "sharded model (index %d) loss %.9f", idx, m ? s / nt : 0.0);
        sam_model_free(m);
    }
}

/* ---------------- adapters ---------------- */
static float g_small[64 * 2];
static int e_adapter(const st_tensor *t, void *c, st_wtensor *r) {
    if (strcmp(t->name, "model.layers.1.self_attn.q_proj.lora_a") == 0) { /* wrong rank */
        r->shape[1] = 2;
        r->data = g_small;
        return 2;
    }
    if (strcmp(t->name, "model.layers.2.self_attn.v_proj.lora_b") == 0) return 1; /* missing */
    if (strcmp(t->name, "model.layers.2.self_attn.o_proj.lora_b") == 0) { /* wrong dtype */
        r->dtype = ST_U32;
        return 2;
    }
    return 0;
}
static int e_adapter_extra(const st_tensor *t, void *c, st_wtensor *r) {
    if (strcmp(t->name, "model.layers.2.self_attn.q_proj.lora_a") == 0) { r->name = "model.layers.0.self_attn.q_proj.lora_a"; return 2; }
    return 0;
}

static void test_adapter_errors(void) {
    sam_lora_config lc = tu_fixture_lora_cfg();
    sam_lora *l = NULL;
    const char *p = tmp_path("bad-adapters.safetensors");
    tu_rewrite_safetensors(tu_fixture("adapters/adapters.safetensors"), p, e_adapter, NULL);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_SHAPE, "3 problems",
              "model.layers.1.self_attn.q_proj.lora_a is F32 [64, 2], expected F32 [64, 4]",
              "model.layers.2.self_attn.v_proj.lora_b missing", "model.layers.2.self_attn.o_proj.lora_b is U32");
    p = tmp_path("extra-adapters.safetensors");
    tu_rewrite_safetensors(tu_fixture("adapters/adapters.safetensors"), p, e_adapter_extra, NULL);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_SHAPE, "model.layers.2.self_attn.q_proj.lora_a missing",
              "unexpected tensor model.layers.0.self_attn.q_proj.lora_a");
    sam_lora_config r8 = lc;
    r8.rank = 8;
    CHECK_ERR(sam_lora_load(FP, &r8, tu_fixture("adapters/adapters.safetensors"), &l), SAM_ERR_SHAPE, "16 problems", "rank 8");
    sam_lora_config l3 = lc;
    l3.num_layers = 3;
    CHECK_ERR(sam_lora_load(FP, &l3, tu_fixture("adapters/adapters.safetensors"), &l), SAM_ERR_SHAPE, "model.layers.0.self_attn.q_proj.lora_a missing");
    float nan = NAN;
    g_target = "model.layers.2.self_attn.k_proj.lora_b";
    p = tmp_path("nan-adapters.safetensors");
    tu_rewrite_safetensors(tu_fixture("adapters/adapters.safetensors"), p, e_poison, &nan);
    CHECK_ERR(sam_lora_load(FP, &lc, p, &l), SAM_ERR_SHAPE, "model.layers.2.self_attn.k_proj.lora_b contains NaN");
    /* invalid configs */
    sam_lora_config bad = lc;
    bad.rank = 0;
    CHECK_ERR(sam_lora_create(FP, &bad, 1, &l), SAM_ERR_INVALID_ARG, "rank 0");
    bad = lc;
    bad.dropout = 1.0f;
    CHECK_ERR(sam_lora_create(FP, &bad, 1, &l), SAM_ERR_INVALID_ARG, "dropout 1");
    bad = lc;
    bad.num_layers = 4;
    CHECK_ERR(sam_lora_create(FP, &bad, 1, &l), SAM_ERR_INVALID_ARG, "num_layers 4", "3-layer");
    bad = lc;
    bad.targets = 0;
    CHECK_ERR(sam_lora_create(FP, &bad, 1, &l), SAM_ERR_INVALID_ARG, "targets 0x0");
    bad = lc;
    bad.targets = 256;
    CHECK_ERR(sam_lora_create(FP, &bad, 1, &l), SAM_ERR_INVALID_ARG, "targets 0x100");
    CHECK_OK(sam_lora_create(FP, &lc, 1, &l));
    char name[8];
    float buf[256];
    CHECK_ERR(sam_lora_tensor_info(l, 0, name, sizeof name, NULL, NULL), SAM_ERR_INVALID_ARG, "too small");
    CHECK_ERR(sam_lora_tensor_info(l, 16, NULL, 0, NULL, NULL), SAM_ERR_INVALID_ARG, "index 16");
    CHECK_ERR(sam_lora_read(l, -1, buf), SAM_ERR_INVALID_ARG, "index -1");
    for (int i = 0; i < 256; i++) buf[i] = i == 17 ? INFINITY : 0.0f;
    CHECK_ERR(sam_lora_write(l, 0, buf), SAM_ERR_NUMERIC, "value 17");
    CHECK_ERR(sam_lora_save(l, tmp_path("no/such/dir/adapters.safetensors")), SAM_ERR_IO, "no/such/dir");
    /* an adapter of another model */
    sam_model *two = NULL;
    char *c = config_with("\"num_hidden_layers\": 3", "\"num_hidden_layers\": 2");
    CHECK_OK(sam_model_open(model_dir("two-layers", tu_fixture("fp32"), c, e_layers01, NULL), &two));
    free(c);
    int32_t len = E.n;
    uint8_t mask[64];
    memset(mask, 1, sizeof mask);
    double s;
    int64_t nt;
    CHECK_ERR(sam_eval_loss(two, l, E.ids, &len, mask, 1, E.n, &s, &nt), SAM_ERR_SHAPE, "different model");
    sam_model_free(two);
    sam_lora_free(l);
}

/* ---------------- training / evaluation arguments ---------------- */
static void test_train_args(void) {
    sam_lora_config lc = tu_fixture_lora_cfg();
    sam_lora *l = NULL;
    sam_trainer *t = NULL;
    CHECK_OK(sam_lora_create(FP, &lc, 1, &l));
    sam_train_config tc = tu_train_cfg(2, 16, 1);
    sam_train_config bad = tc;
    bad.learning_rate = 0;
    CHECK_ERR(sam_trainer_create(FP, l, &bad, &t), SAM_ERR_INVALID_ARG, "learning_rate");
    bad = tc;
    bad.max_seq_len = 1;
    CHECK_ERR(sam_trainer_create(FP, l, &bad, &t), SAM_ERR_INVALID_ARG, "max_seq_len 1");
    bad = tc;
    bad.beta2 = 1.0f;
    CHECK_ERR(sam_trainer_create(FP, l, &bad, &t), SAM_ERR_INVALID_ARG, "beta1/beta2");
    CHECK_OK(sam_trainer_create(FP, l, &tc, &t));
    int32_t tok[3 * 24], len[3] = {24, 24, 24};
    uint8_t mask[3 * 24];
    for (int i = 0; i < 3 * 24; i++) { tok[i] = E.ids[i % 24]; mask[i] = 1; }
    double loss;
    int64_t n;
    CHECK_ERR(sam_train_accumulate(t, tok, len, mask, 1, 24, &loss, &n), SAM_ERR_INVALID_ARG, "seq_len 24 exceeds max_seq_len 16", "truncate");
    CHECK_ERR(sam_train_accumulate(t, tok, len, mask, 0, 16, &loss, &n), SAM_ERR_INVALID_ARG, "empty batch");
    CHECK_ERR(sam_train_accumulate(t, tok, len, mask, 3, 16, &loss, &n), SAM_ERR_INVALID_ARG, "batch 3 exceeds max_batch 2");
    CHECK_ERR(sam_train_accumulate(t, tok, len, mask, 1, 16, &loss, &n), SAM_ERR_INVALID_ARG, "lengths[0] = 24");
    len[0] = 16;
    tok[5] = 320;
    CHECK_ERR(sam_train_accumulate(t, tok, len, mask, 1, 16, &loss, &n), SAM_ERR_INVALID_ARG, "token 320 at row 0, position 5", "vocabulary");
    tok[5] = -1;
    CHECK_ERR(sam_train_accumulate(t, tok, len, mask, 1, 16, &loss, &n), SAM_ERR_INVALID_ARG, "token -1");
    tok[5] = E.ids[5];
    uint8_t zero[24] = {0};
    zero[0] = 1; /* position 0 is never a target */
    CHECK_ERR(sam_train_accumulate(t, tok, len, zero, 1, 16, &loss, &n), SAM_ERR_INVALID_ARG, "no scored targets");
    CHECK_ERR(sam_train_accumulate(t, NULL, len, mask, 1, 16, &loss, &n), SAM_ERR_INVALID_ARG, "NULL tokens");
    CHECK_ERR(sam_train_apply(t, NULL), SAM_ERR_STATE, "nothing accumulated");
    float g[256];
    CHECK_ERR(sam_trainer_read_grad(t, 0, g), SAM_ERR_STATE, "no gradient accumulated");
    CHECK_OK(sam_train_accumulate(t, tok, len, mask, 1, 16, &loss, &n));
    CHECK_ERR(sam_checkpoint_save(t, tmp_path("pending.safetensors")), SAM_ERR_STATE, "1 micro-batch is accumulated but not applied");
    CHECK_ERR(sam_trainer_read_grad(t, 99, g), SAM_ERR_INVALID_ARG, "index 99");
    CHECK_OK(sam_train_apply(t, NULL));
    double s[3];
    int64_t ns[3];
    CHECK_ERR(sam_eval_loss(FP, NULL, tok, len, mask, 0, 16, s, ns), SAM_ERR_INVALID_ARG, "empty batch");
    CHECK_ERR(sam_eval_loss(FP, NULL, tok, len, mask, 1, 16, NULL, ns), SAM_ERR_INVALID_ARG, "loss_sum");
    float lg[320];
    CHECK_ERR(sam_forward_logits(FP, NULL, tok, 0, lg), SAM_ERR_INVALID_ARG, "empty sequence");
    tok[0] = 1000;
    CHECK_ERR(sam_forward_logits(FP, NULL, tok, 1, lg), SAM_ERR_INVALID_ARG, "token 1000");
    sam_trainer_free(t);
    sam_lora_free(l);
}

/* ---------------- checkpoints ---------------- */
static void test_checkpoints(void) {
    sam_lora_config lc = tu_fixture_lora_cfg();
    sam_lora *l = NULL, *l8 = NULL, *lq = NULL;
    sam_trainer *t = NULL, *t8 = NULL, *tlr = NULL, *tq = NULL;
    CHECK_OK(sam_lora_create(FP, &lc, 1, &l));
    sam_train_config tc = tu_train_cfg(1, 24, 1);
    CHECK_OK(sam_trainer_create(FP, l, &tc, &t));
    const char *ck = tmp_path("ckpt.safetensors");
    CHECK_OK(sam_checkpoint_save(t, ck));
    sam_lora_config c8 = lc;
    c8.rank = 8;
    CHECK_OK(sam_lora_create(FP, &c8, 1, &l8));
    CHECK_OK(sam_trainer_create(FP, l8, &tc, &t8));
    CHECK_ERR(sam_checkpoint_load(t8, ck), SAM_ERR_SHAPE, "lora.rank: checkpoint 4, trainer 8", "ckpt.safetensors");
    sam_train_config tl = tc;
    tl.learning_rate = 2e-3f;
    tl.seed = 5;
    CHECK_OK(sam_trainer_create(FP, l, &tl, &tlr));
    CHECK_ERR(sam_checkpoint_load(tlr, ck), SAM_ERR_SHAPE, "train.learning_rate: checkpoint 0.00100000005, trainer 0.00200000009", "train.seed: checkpoint 1234, trainer 5");
    CHECK_OK(sam_lora_create(Q, &lc, 1, &lq));
    CHECK_OK(sam_trainer_create(Q, lq, &tc, &tq));
    CHECK_ERR(sam_checkpoint_load(tq, ck), SAM_ERR_SHAPE, "model.weights: checkpoint f32, trainer q4/g32");
    CHECK_ERR(sam_checkpoint_load(t, tu_fixture("adapters/adapters.safetensors")), SAM_ERR_FORMAT, "not a samtrain checkpoint");
    CHECK_ERR(sam_checkpoint_load(t, tmp_path("nope.safetensors")), SAM_ERR_IO, "nope.safetensors");
    sam_trainer_free(t); sam_trainer_free(t8); sam_trainer_free(tlr); sam_trainer_free(tq);
    sam_lora_free(l); sam_lora_free(l8); sam_lora_free(lq);
}

/* ---------------- numerics at run time ---------------- */
static void test_nonfinite(void) {
    float nan = NAN, inf = INFINITY;
    sam_model *m1 = NULL, *m0 = NULL;
    g_target = "model.layers.1.mlp.down_proj.weight"; /* big fp32 matrices are not scanned at open */
    CHECK_OK(sam_model_open(model_dir("nan-down", tu_fixture("fp32"), NULL, e_poison, &nan), &m1));
    g_target = "model.layers.0.self_attn.o_proj.weight";
    CHECK_OK(sam_model_open(model_dir("inf-o", tu_fixture("fp32"), NULL, e_poison, &inf), &m0));
    if (!m1 || !m0) return;
    int32_t len = E.n;
    uint8_t mask[64];
    memset(mask, 1, sizeof mask);
    double s, loss;
    int64_t nt;
    float *lg = malloc(sizeof(float) * 320 * 24);
    CHECK_ERR(sam_eval_loss(m1, NULL, E.ids, &len, mask, 1, E.n, &s, &nt), SAM_ERR_NUMERIC, "model.layers.1");
    CHECK_ERR(sam_forward_logits(m0, NULL, E.ids, E.n, lg), SAM_ERR_NUMERIC, "model.layers.0");
    sam_lora_config lc = tu_fixture_lora_cfg();
    sam_lora *l = NULL;
    sam_trainer *t1 = NULL, *t0 = NULL;
    CHECK_OK(sam_lora_create(m1, &lc, 1, &l));
    sam_train_config tc = tu_train_cfg(1, 24, 0);
    CHECK_OK(sam_trainer_create(m1, l, &tc, &t1));
    CHECK_ERR(sam_train_accumulate(t1, E.ids, &len, mask, 1, E.n, &loss, &nt), SAM_ERR_NUMERIC, "model.layers.1", "learning rate");
    CHECK_OK(sam_trainer_create(m0, l, &tc, &t0)); /* layer 0 is frozen, below the adapters */
    CHECK_ERR(sam_train_accumulate(t0, E.ids, &len, mask, 1, E.n, &loss, &nt), SAM_ERR_NUMERIC, "model.layers.0");
    CHECK_ERR(sam_train_apply(t1, NULL), SAM_ERR_STATE, "nothing accumulated"); /* the failure accumulated nothing */
    sam_gen_config gc = {4, 32, 0.0f, 1.0f, 0, NULL, 0};
    sam_generator *g = NULL;
    CHECK_OK(sam_gen_create(m1, NULL, &gc, &g));
    CHECK_ERR(sam_gen_prefill(g, E.ids, 6), SAM_ERR_NUMERIC, "model.layers.1");
    sam_gen_free(g);
    /* diverged adapters: huge but finite LoRA weights overflow the activations of layer 2 */
    sam_lora *big = NULL;
    sam_trainer *tb = NULL;
    CHECK_OK(sam_lora_create(FP, &lc, 1, &big));
    float w[64 * 4];
    for (int i = 0; i < 64 * 4; i++) w[i] = 1e30f;
    CHECK_OK(sam_lora_write(big, 12, w)); /* layer 2 o_proj lora_a */
    CHECK_OK(sam_lora_write(big, 13, w)); /* layer 2 o_proj lora_b */
    CHECK_OK(sam_trainer_create(FP, big, &tc, &tb));
    CHECK_ERR(sam_train_accumulate(tb, E.ids, &len, mask, 1, E.n, &loss, &nt), SAM_ERR_NUMERIC, "model.layers.2");
    /* finite activations but overflowing logits: a huge (finite) final norm weight */
    float hugew = 3e38f;
    g_target = "model.norm.weight";
    sam_model *mh = NULL;
    CHECK_OK(sam_model_open(model_dir("huge-norm", tu_fixture("fp32"), NULL, e_scale_all, &hugew), &mh));
    sam_trainer *th = NULL;
    if (mh) {
        CHECK_ERR(sam_eval_loss(mh, NULL, E.ids, &len, mask, 1, E.n, &s, &nt), SAM_ERR_NUMERIC, "non-finite loss", "row 0");
        CHECK_OK(sam_trainer_create(mh, l, &tc, &th));
        CHECK_ERR(sam_train_accumulate(th, E.ids, &len, mask, 1, E.n, &loss, &nt), SAM_ERR_NUMERIC, "non-finite loss", "row 0, position");
    }
    sam_trainer_free(th);
    sam_model_free(mh);
    free(lg);
    sam_trainer_free(t1); sam_trainer_free(t0); sam_trainer_free(tb);
    sam_lora_free(l); sam_lora_free(big);
    sam_model_free(m1); sam_model_free(m0);
}

/* ---------------- generation ---------------- */
static void test_gen_errors(void) {
    sam_gen_config gc = {8, 10, 0.0f, 1.0f, 0, NULL, 0};
    sam_generator *g = NULL;
    int32_t tok, done;
    CHECK_OK(sam_gen_create(FP, NULL, &gc, &g));
    CHECK_ERR(sam_gen_next(g, &tok, &done), SAM_ERR_STATE, "sam_gen_prefill first");
    CHECK_ERR(sam_gen_prefill(g, E.ids, 3), SAM_ERR_INVALID_ARG, "exceeds max_context 10", "max_new_tokens (8)");
    CHECK_ERR(sam_gen_prefill(g, E.ids, 0), SAM_ERR_INVALID_ARG, "empty prompt");
    int32_t badids[2] = {1, 400};
    CHECK_ERR(sam_gen_prefill(g, badids, 2), SAM_ERR_INVALID_ARG, "token 400");
    sam_gen_free(g);
    sam_gen_config b = gc;
    b.top_p = 0.0f;
    CHECK_ERR(sam_gen_create(FP, NULL, &b, &g), SAM_ERR_INVALID_ARG, "top_p 0");
    b = gc;
    b.max_context = 0;
    CHECK_ERR(sam_gen_create(FP, NULL, &b, &g), SAM_ERR_INVALID_ARG, "max_context 0");
    b = gc;
    b.num_stop_ids = 2;
    CHECK_ERR(sam_gen_create(FP, NULL, &b, &g), SAM_ERR_INVALID_ARG, "stop_ids is NULL");
}

/* ---------------- NULL handles ---------------- */
static void test_nulls(void) {
    sam_model *m = NULL;
    sam_lora *l = NULL;
    sam_trainer *t = NULL;
    sam_generator *g = NULL;
    sam_model_info info;
    sam_lora_config lc = tu_fixture_lora_cfg();
    sam_train_config tc = tu_train_cfg(1, 8, 0);
    sam_gen_config gc = {1, 8, 0, 1, 0, NULL, 0};
    int32_t r, c, tok = 1, len = 1, done;
    uint8_t mask = 1;
    double s;
    int64_t n;
    float f[8];
    CHECK_ERR(sam_model_open(NULL, &m), SAM_ERR_INVALID_ARG, "model_dir");
    CHECK_ERR(sam_model_open(tu_fixture("fp32"), NULL), SAM_ERR_INVALID_ARG, "out is NULL");
    CHECK_ERR(sam_model_get_info(NULL, &info), SAM_ERR_INVALID_ARG, "NULL model");
    CHECK_ERR(sam_model_weight_info(NULL, "x", &r, &c), SAM_ERR_INVALID_ARG, "NULL");
    CHECK_ERR(sam_model_weight_info(FP, "model.layers.9.mlp.up_proj.weight", &r, &c), SAM_ERR_INVALID_ARG, "no weight 'model.layers.9.mlp.up_proj.weight'");
    CHECK_ERR(sam_model_weight_rows(FP, "model.norm.weight", 1, 1, f), SAM_ERR_INVALID_ARG, "outside model.norm.weight");
    CHECK_ERR(sam_lora_create(NULL, &lc, 1, &l), SAM_ERR_INVALID_ARG, "NULL model");
    CHECK_ERR(sam_lora_create(FP, NULL, 1, &l), SAM_ERR_INVALID_ARG, "NULL config");
    CHECK_ERR(sam_lora_load(FP, &lc, NULL, &l), SAM_ERR_INVALID_ARG, "path is NULL");
    CHECK_ERR(sam_lora_save(NULL, "x"), SAM_ERR_INVALID_ARG, "NULL adapter");
    CHECK(sam_lora_num_tensors(NULL) == -1, "num_tensors(NULL)");
    CHECK_ERR(sam_lora_read(NULL, 0, f), SAM_ERR_INVALID_ARG, "adapter is NULL");
    CHECK_ERR(sam_lora_write(NULL, 0, f), SAM_ERR_INVALID_ARG, "adapter is NULL");
    CHECK_ERR(sam_trainer_create(FP, NULL, &tc, &t), SAM_ERR_INVALID_ARG, "NULL adapter");
    CHECK_ERR(sam_train_accumulate(NULL, &tok, &len, &mask, 1, 1, &s, &n), SAM_ERR_INVALID_ARG, "trainer is NULL");
    CHECK_ERR(sam_train_apply(NULL, NULL), SAM_ERR_INVALID_ARG, "trainer is NULL");
    CHECK_ERR(sam_trainer_read_grad(NULL, 0, f), SAM_ERR_INVALID_ARG, "NULL trainer");
    CHECK(sam_trainer_step(NULL) == -1, "step(NULL)");
    CHECK_ERR(sam_checkpoint_save(NULL, "x"), SAM_ERR_INVALID_ARG, "NULL trainer");
    CHECK_ERR(sam_checkpoint_load(NULL, "x"), SAM_ERR_INVALID_ARG, "NULL trainer");
    CHECK_ERR(sam_eval_loss(NULL, NULL, &tok, &len, &mask, 1, 1, &s, &n), SAM_ERR_INVALID_ARG, "model is NULL");
    CHECK_ERR(sam_forward_logits(NULL, NULL, &tok, 1, f), SAM_ERR_INVALID_ARG, "model is NULL");
    CHECK_ERR(sam_gen_create(NULL, NULL, &gc, &g), SAM_ERR_INVALID_ARG, "NULL model");
    CHECK_ERR(sam_gen_prefill(NULL, &tok, 1), SAM_ERR_INVALID_ARG, "NULL generator");
    CHECK_ERR(sam_gen_next(NULL, &tok, &done), SAM_ERR_INVALID_ARG, "NULL generator");
    sam_model_free(NULL);
    sam_lora_free(NULL);
    sam_trainer_free(NULL);
    sam_gen_free(NULL);
}

/* ---------------- backend ---------------- */
static void test_backend(void) {
    CHECK_OK(sam_backend_init(NULL, 1));
    CHECK_ERR(sam_backend_init(tmp_path("libnothere.so"), 0), SAM_ERR_BACKEND, "cannot load BLAS library", "libnothere.so");
    CHECK_ERR(sam_backend_init("libm.so.6", 0), SAM_ERR_BACKEND, "libm.so.6 does not export cblas_sgemm");
    CHECK_ERR(sam_backend_init(NULL, 100000), SAM_ERR_INVALID_ARG, "num_threads 100000");
    CHECK(strncmp(sam_backend_name(), "builtin", 7) == 0 && strstr(sam_backend_name(), "1 thread"), "a failed init must keep the previous backend: %s", sam_backend_name());
    CHECK_OK(sam_backend_init(NULL, 0));
}

int main(void) {
    if (tu_load_expected(&E)) return 1;
    TMP = tu_tmpdir();
    CHECK_OK(sam_model_open(tu_fixture("fp32"), &FP));
    CHECK_OK(sam_model_open(tu_fixture("mlx-4bit-g32"), &Q));
    if (!TMP || !FP || !Q) return tu_done("test_errors");
    test_safetensors_files();
    test_model_errors();
    test_sharded();
    test_adapter_errors();
    test_train_args();
    test_checkpoints();
    test_nonfinite();
    test_gen_errors();
    test_nulls();
    test_backend();
    sam_model_free(FP);
    sam_model_free(Q);
    tu_rmrf(TMP);
    free(TMP);
    return tu_done("test_errors");
}
