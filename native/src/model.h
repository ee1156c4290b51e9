/* model.h — a Qwen2 model opened from config.json + safetensors (memory-mapped, read-only). */
#ifndef SAM_MODEL_H
#define SAM_MODEL_H

#include "quant.h"
#include "safetensors.h"
#include "samtrain.h"

enum { MOD_Q, MOD_K, MOD_V, MOD_O, MOD_GATE, MOD_UP, MOD_DOWN, MOD_COUNT };
extern const char *const MOD_PATH[MOD_COUNT]; /* "self_attn.q_proj", ..., "mlp.down_proj" */

typedef struct {
    int C;   /* hidden_size */
    int L;   /* num_hidden_layers */
    int H;   /* num_attention_heads */
    int KV;  /* num_key_value_heads */
    int D;   /* head_dim */
    int I;   /* intermediate_size */
    int V;   /* vocab_size */
    int HD;  /* H * D: q_proj out, o_proj in */
    int KVD; /* KV * D: k_proj, v_proj out */
    float theta, eps;
    int tied;
} mdl_config;

typedef struct {
    wmat w[MOD_COUNT];      /* [out, in] each */
    const float *bq;        /* (HD) */
    const float *bk, *bv;   /* (KVD) */
    const float *ln1, *ln2; /* (C) input_layernorm, post_attention_layernorm */
} mdl_layer;

struct sam_model {
    mdl_config c;
    sam_model_info info;
    st_file *files;
    int nfiles;
    wmat embed;        /* (V, C) */
    wmat head;         /* (V, C); == embed when tied */
    const float *norm; /* (C) */
    mdl_layer *layers; /* (L) */
    float *small;      /* owned fp32 copies of norms and biases */
    char *dir;
};

int mdl_in_dim(const mdl_config *c, int mod);
int mdl_out_dim(const mdl_config *c, int mod);
/* Reads a whole (small) file; *buf is NUL-terminated and must be freed. */
int read_small_file(const char *path, size_t max, char **buf, size_t *len);

#endif
