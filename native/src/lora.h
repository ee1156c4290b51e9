/* lora.h — LoRA adapters in mlx-lm layout: for each adapted (layer, module) A (in, r) and B (r, out),
 * all fp32 in one contiguous buffer; y = x W^T + b + scale * (dropout(x) A) B. */
#ifndef SAM_LORA_H
#define SAM_LORA_H

#include <stddef.h>

#include "model.h"

typedef struct {
    int on;
    int in, out;
    size_t offA, offB; /* into sam_lora.data: A (in, r), B (r, out) */
} lora_mod;

typedef struct {
    char name[128];    /* model.layers.N.<module>.lora_a|lora_b */
    int layer, mod, is_b;
    int rows, cols;
    size_t off;
} lora_tensor;

struct sam_lora {
    sam_lora_config cfg;
    int r;
    float scale, dropout;
    int first;         /* adapted layers are [first, L) */
    mdl_config mc;     /* the model this adapter belongs to */
    lora_mod *mods;    /* (L, MOD_COUNT) */
    lora_tensor *t;    /* order: layers ascending, modules q,k,v,o,gate,up,down, A then B */
    int nt;
    float *data;       /* (nparams) */
    size_t nparams;
};

/* 1 if l was made for a model with m's dimensions; else sets an error naming the mismatch. */
int lora_matches_model(const sam_lora *l, const sam_model *m, const char *who);
int lora_layer_has(const sam_lora *l, int layer, int attn_only);

#endif
