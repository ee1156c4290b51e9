/*
 * samtrain.h — C ABI of libsamtrain, SAM's native LoRA trainer for Qwen2 models.
 *
 * Called from Java through JNA (module sam-train). Rules of this ABI:
 *  - opaque handles, created by sam_X_create / sam_model_open and released by sam_X_free (NULL-safe);
 *  - every fallible function returns a SAM_* code; on failure the message for the
 *    caller's thread is in sam_last_error() and it always says what to do next;
 *  - the library never calls exit()/abort() and never prints: bad input is an error code;
 *  - no callbacks into the caller in the hot loop; streaming is pull-based (sam_gen_next).
 *
 * Tensor conventions follow mlx-lm: a linear layer's base weight is [out, in] (HF layout),
 * LoRA A is [in, r], LoRA B is [r, out], y = x W^T + b + scale * (dropout(x) A) B.
 * Token batches are row-major [batch, seq_len] int32.
 *
 * Threading: a model, and an adapter used only for inference, are read-only after creation and may
 * be shared by threads (e.g. several generators). A trainer and the adapter it trains belong to one
 * thread at a time. sam_backend_init must not run while other threads compute.
 * Changes to the lead's first draft are listed in native/README.md, "ABI changes".
 */
#ifndef SAMTRAIN_H
#define SAMTRAIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SAM_ABI_VERSION 1

enum sam_status {
    SAM_OK = 0,
    SAM_ERR_INVALID_ARG = 1, /* NULL handle, out-of-range size or value */
    SAM_ERR_IO = 2,          /* file missing, unreadable or unwritable */
    SAM_ERR_FORMAT = 3,      /* malformed config.json, safetensors or checkpoint */
    SAM_ERR_SHAPE = 4,       /* tensor missing, or dtype/shape not what config.json implies */
    SAM_ERR_NUMERIC = 5,     /* NaN/Inf in weights, activations, loss or gradients */
    SAM_ERR_NOMEM = 6,       /* allocation failed */
    SAM_ERR_BACKEND = 7,     /* compute backend (BLAS) could not be loaded */
    SAM_ERR_STATE = 8        /* call out of order (e.g. apply with nothing accumulated) */
};

/* Message of the last failure on this thread ("" if none). Valid until the next call on this thread. */
const char *sam_last_error(void);
int sam_abi_version(void);
/* sizeof and field offsets of the structs below as compiled into this library, one line per struct:
 * "sam_train_config size=64 learning_rate=0 beta1=4 ...". For bindings that mirror the structs
 * (sam-train's JNA mirrors check themselves against it in a unit test). */
const char *sam_abi_layout(void);

/* ---- backend ------------------------------------------------------------------------------
 * blas_library: path of a shared library exporting cblas_sgemm (e.g. OpenBLAS' libopenblas.so.0),
 * opened with dlopen; NULL or "" selects the built-in portable kernels; "accelerate" selects Apple's
 * Accelerate framework (macOS builds only, else SAM_ERR_BACKEND). num_threads <= 0: all cores (on
 * Apple Silicon: the performance cores). May be called again to switch. Without a call, the built-in
 * kernels are used. */
int sam_backend_init(const char *blas_library, int num_threads);
/* Human-readable description, e.g. "OpenBLAS 0.3.31 ... (core Haswell) 2 threads",
 * "builtin (avx512) 2 threads", "builtin (neon) 8 threads" or "accelerate (cblas_sgemm, ...)". */
const char *sam_backend_name(void);
/* Precision of the large products (the linears and the head) on the built-in kernels. FP32 (default)
 * everywhere; BF16 rounds both operands of those products to bfloat16 and sums in fp32 (AVX512-BF16,
 * about twice the fp32 rate); attention, norms, softmax, LoRA and the optimizer stay fp32. Errors:
 * SAM_ERR_BACKEND when the CPU lacks AVX512-BF16 or a BLAS library is selected (selecting a BLAS library
 * later switches back to FP32). Same threading rule as sam_backend_init. */
enum sam_precision { SAM_PRECISION_FP32 = 0, SAM_PRECISION_BF16 = 1 };
int sam_backend_set_precision(int32_t precision);
/* Activations of generation's decode products with 4-bit weights (sam_gen_next's token-by-token forward
 * passes, and prompts of at most 8 tokens): FP32 (the library's default) multiplies them in fp32; Q8
 * quantizes each block of 32 activations to int8 with one fp32 scale (max|x| / 127, as llama.cpp's Q8
 * activations) and multiplies the 4-bit fields as integers — faster, and an approximation whose per-output
 * error bound is stated in src/qmatvec_q8.c; Q22 splits each block into three int8 planes (to max|x| * 2^-22,
 * finer than the rounding of an fp32 sum) and multiplies them as Q8 does: fp32-grade results at close to
 * Q8's speed, for one decoded token where the kernel exists (x86-64 with AVX2, arm64 NEON; groups of 64
 * or more), FP32 for every other product. Longer prefills, training, evaluation, sam_forward_logits and other weight
 * formats are unaffected. Errors: SAM_ERR_BACKEND for Q8 where the CPU has no int8 kernel (x86-64 needs
 * AVX2 + FMA; arm64 has NEON, unless SAM_ISA=generic). Same threading rule as sam_backend_init. */
enum sam_decode_precision { SAM_DECODE_FP32 = 0, SAM_DECODE_Q8 = 1, SAM_DECODE_Q22 = 2 };
int sam_backend_set_decode_precision(int32_t precision);
/* Instruction set the built-in kernels use on this CPU: "avx512", "avx2" (AVX2 + FMA) or "generic"
 * (after the optional SAM_ISA=avx2|generic cap). Lets a binding choose the default backend. */
const char *sam_builtin_isa(void);
/* C (M,N) = alpha op(A) (M,K) op(B) (K,N) + beta C, row-major, op(X) = X^T when trans_x != 0, on the
 * selected backend and threads (the kernels the model code uses). For benchmarks (GEMM ceilings)
 * and tests; beta == 0 writes C without reading it. Errors: NULL matrices, negative sizes, leading
 * dimensions smaller than a row (SAM_ERR_INVALID_ARG). */
int sam_sgemm(int32_t trans_a, int32_t trans_b, int32_t M, int32_t N, int32_t K, float alpha,
              const float *A, int32_t lda, const float *B, int32_t ldb, float beta, float *C, int32_t ldc);

/* ---- model --------------------------------------------------------------------------------- */
enum sam_dtype { SAM_F32 = 0, SAM_F16 = 1, SAM_BF16 = 2, SAM_Q_AFFINE = 3 };

typedef struct sam_model sam_model;

typedef struct sam_model_info {
    int32_t hidden_size;
    int32_t num_layers;
    int32_t num_heads;
    int32_t num_kv_heads;
    int32_t head_dim;
    int32_t intermediate_size;
    int32_t vocab_size;
    int32_t tie_word_embeddings;
    float rope_theta;
    float rms_norm_eps;
    int32_t weight_dtype;     /* enum sam_dtype of the projection weights */
    int32_t quant_bits;       /* 0 unless SAM_Q_AFFINE */
    int32_t quant_group_size; /* 0 unless SAM_Q_AFFINE */
    int64_t num_params;       /* logical parameter count (unquantized) */
} sam_model_info;

/* Opens <dir>/config.json and <dir>/model.safetensors (or model-0000x-of-0000y.safetensors shards),
 * memory-mapped; weights are never dequantized as a whole. */
int sam_model_open(const char *model_dir, sam_model **out);
int sam_model_get_info(const sam_model *m, sam_model_info *out);
/* Shape of a base-model weight by its safetensors name (e.g. "model.layers.0.self_attn.q_proj.weight",
 * "model.embed_tokens.weight", "model.norm.weight"): the logical (dequantized) [rows, cols];
 * 1-D tensors (norms, biases) report rows = 1. */
int sam_model_weight_info(const sam_model *m, const char *name, int32_t *rows, int32_t *cols);
/* Rows [row0, row0 + nrows) of that weight as fp32 (dequantized / converted), into out (nrows, cols).
 * Lets callers check dequantization or build an fp32 reference copy of a quantized model. */
int sam_model_weight_rows(const sam_model *m, const char *name, int32_t row0, int32_t nrows, float *out);
void sam_model_free(sam_model *m);

/* ---- LoRA adapters ------------------------------------------------------------------------- */
enum sam_target {
    SAM_TARGET_Q = 1, SAM_TARGET_K = 2, SAM_TARGET_V = 4, SAM_TARGET_O = 8,
    SAM_TARGET_GATE = 16, SAM_TARGET_UP = 32, SAM_TARGET_DOWN = 64
};

typedef struct sam_lora_config {
    int32_t rank;
    float scale;        /* mlx-lm "scale"; SAM passes alpha / rank */
    float dropout;      /* on the LoRA input during training only */
    int32_t num_layers; /* last N layers; -1 = all */
    uint32_t targets;   /* OR of sam_target */
} sam_lora_config;

typedef struct sam_lora sam_lora;

/* Fresh adapters: A ~ U(-1/sqrt(in), 1/sqrt(in)) from seed, B = 0. */
int sam_lora_create(const sam_model *m, const sam_lora_config *cfg, uint64_t seed, sam_lora **out);
/* Loads mlx-lm adapters.safetensors; every expected tensor is checked for presence, dtype and shape,
 * tensors the config does not expect are rejected too, and all mismatches are reported at once. */
int sam_lora_load(const sam_model *m, const sam_lora_config *cfg, const char *path, sam_lora **out);
/* Writes adapters.safetensors (only model.layers.N.<module>.lora_a/lora_b, fp32), atomically. */
int sam_lora_save(const sam_lora *l, const char *path);
/* Tensor order: layers ascending, modules q, k, v, o, gate, up, down, lora_a before lora_b.
 * Returns -1 (and sets the error) for a NULL adapter. */
int sam_lora_num_tensors(const sam_lora *l);
/* name e.g. "model.layers.27.self_attn.q_proj.lora_a" (128 bytes always suffice); rows x cols is the
 * stored shape. name, rows and cols may each be NULL. */
int sam_lora_tensor_info(const sam_lora *l, int32_t index, char *name, int32_t name_capacity,
                         int32_t *rows, int32_t *cols);
int sam_lora_read(const sam_lora *l, int32_t index, float *out);
int sam_lora_write(sam_lora *l, int32_t index, const float *in);
void sam_lora_free(sam_lora *l);

/* ---- training ------------------------------------------------------------------------------ */
enum sam_lr_schedule { SAM_LR_CONSTANT = 0, SAM_LR_COSINE = 1 };
/* grad_checkpoint: OFF keeps every adapted layer's activations; ON keeps only layer inputs and recomputes
 * a layer's forward right before its backward (bitwise the same gradients); AUTO: OFF when the plan fits
 * memory_budget, else ON (ON without a budget). */
enum sam_grad_checkpoint { SAM_CKPT_OFF = 0, SAM_CKPT_ON = 1, SAM_CKPT_AUTO = 2 };

typedef struct sam_train_config {
    float learning_rate;
    float beta1, beta2, eps;
    float weight_decay;     /* decoupled (AdamW) */
    float grad_clip;        /* global L2 norm; <= 0 disables */
    int32_t lr_schedule;    /* enum sam_lr_schedule */
    int32_t warmup_steps;   /* linear warm-up from 0 */
    int32_t total_steps;    /* optimizer steps, for cosine decay */
    float min_lr;           /* cosine floor */
    int32_t max_batch;      /* sizes the arena once; no allocation in the step loop */
    int32_t max_seq_len;
    int32_t grad_checkpoint; /* enum sam_grad_checkpoint */
    uint64_t seed;          /* dropout RNG */
    int64_t memory_budget;  /* bytes the trainer may plan: model files + adapters + optimizer + activations;
                               0: no budget (every row of a micro-batch in one pass) */
} sam_train_config;

typedef struct sam_trainer sam_trainer;

typedef struct sam_step_stats {
    int64_t step;       /* optimizer steps taken so far */
    float learning_rate;/* the rate used by this step */
    float grad_norm;    /* global norm before clipping */
    int32_t micro_batches;
} sam_step_stats;

/* Learning rate of optimizer step s (0-based): base * (s+1) / warmup_steps while s < warmup_steps;
 * then constant, or cosine from base to min_lr over steps [warmup_steps, total_steps].
 * The trainer updates l in place (l must outlive it); all buffers are allocated here, none later. */
int sam_trainer_create(const sam_model *m, sam_lora *l, const sam_train_config *cfg, sam_trainer **out);
/* The memory plan sam_trainer_create chose within memory_budget, fastest first: every row of a
 * micro-batch in one pass with each layer's activations kept (AUTO), the same with checkpointing, then
 * checkpointing with fewer rows per pass. A micro-batch of more rows than *rows_per_pass runs pass by pass
 * with the loss and gradient of the whole micro-batch (its sums in another order: equal within float
 * rounding, not bitwise). *grad_checkpoint: 0 or 1 as chosen. *planned_bytes: what the plan holds; above
 * the budget when even one row per pass does not fit (the caller should say so). Pointers may be NULL. */
int sam_trainer_plan(const sam_trainer *t, int32_t *rows_per_pass, int32_t *grad_checkpoint, int64_t *planned_bytes);
/* Forward + backward of one micro-batch. tokens [batch, seq_len]; lengths[b] valid tokens of row b
 * (the rest is padding and is never read); loss_mask [batch, seq_len]: nonzero where token t
 * (1 <= t < lengths[b]) is a scored target, predicted from position t-1. The micro-batch loss is the
 * mean cross-entropy over its scored targets; its gradient is added to the accumulators. Returns
 * that mean and the target count. Errors: batch < 1 or > max_batch, seq_len > max_seq_len, token
 * outside the vocabulary, no scored target (SAM_ERR_INVALID_ARG); NaN/Inf activation or loss
 * (SAM_ERR_NUMERIC, naming the layer; nothing is accumulated). */
int sam_train_accumulate(sam_trainer *t, const int32_t *tokens, const int32_t *lengths,
                         const uint8_t *loss_mask, int32_t batch, int32_t seq_len,
                         double *mean_loss, int64_t *num_targets);
/* The same with a weight per row (per sample): row b's cross-entropy counts weights[b] times, i.e. the
 * micro-batch loss is sum_b weights[b] * CE_b / n, CE_b the summed cross-entropy of row b's scored
 * targets and n all scored targets of the micro-batch (weighted rows included); *mean_loss is that loss.
 * A row with weight 0 adds exactly nothing to the gradient; all weights 1 (or weights NULL) is
 * sam_train_accumulate. The caller normalizes (SAM divides by the step's weighted target count, so a
 * weight of 2 equals the sample twice). Errors: as sam_train_accumulate, and a negative or non-finite
 * weight (SAM_ERR_INVALID_ARG). */
int sam_train_accumulate_weighted(sam_trainer *t, const int32_t *tokens, const int32_t *lengths,
                                  const uint8_t *loss_mask, const float *weights, int32_t batch, int32_t seq_len,
                                  double *mean_loss, int64_t *num_targets);
/* Direct Preference Optimization (Rafailov et al. 2023), the sigmoid loss of TRL's DPOTrainer with its
 * label smoothing eps (conservative DPO). Rows come in pairs: row 2p is pair p's chosen completion, row
 * 2p+1 its rejected one, both after the same prompt; loss_mask scores the completion tokens only.
 * ref_logp[r] is the reference policy's log-probability of row r's scored targets (-loss_sum of
 * sam_eval_loss: with NULL adapters for the frozen base, or with the active version's adapters). With pi
 * the trained policy's log-probabilities, z_p = beta * ((pi_2p - ref_2p) - (pi_2p+1 - ref_2p+1)) and the
 * micro-batch loss is mean_p [-(1 - eps) log sigmoid(z_p) - eps log sigmoid(-z_p)]; its gradient is
 * accumulated like sam_train_accumulate's (apply averages over micro-batches). *mean_loss: that loss;
 * policy_logp (batch elements, may be NULL): pi per row, for the caller's metrics (rewards
 * beta * (pi - ref), reward accuracy and margin). Errors: an odd batch, a row without scored targets,
 * beta not > 0, eps outside [0, 0.5), a ref_logp that is not a finite log-probability
 * (SAM_ERR_INVALID_ARG); otherwise as sam_train_accumulate. */
int sam_train_accumulate_dpo(sam_trainer *t, const int32_t *tokens, const int32_t *lengths,
                             const uint8_t *loss_mask, const double *ref_logp, int32_t batch, int32_t seq_len,
                             float beta, float label_smoothing, double *mean_loss, double *policy_logp);
/* Averages the accumulated gradients over the micro-batches, clips, applies AdamW, zeroes them.
 * A NaN/Inf gradient norm skips the step, discards the gradients and returns SAM_ERR_NUMERIC. */
int sam_train_apply(sam_trainer *t, sam_step_stats *stats);
/* Accumulated gradient of LoRA tensor `index` (same order as sam_lora_*), averaged as apply would. */
int sam_trainer_read_grad(const sam_trainer *t, int32_t index, float *out);
/* Optimizer steps taken; -1 for a NULL trainer. */
int64_t sam_trainer_step(const sam_trainer *t);
/* Checkpoint: adapters + AdamW moments + step + RNG state, one safetensors file, written atomically.
 * Loading into a trainer created with the same configs continues bit-identically; a checkpoint of
 * another model, adapter or optimizer configuration is refused listing every difference (max_batch,
 * max_seq_len and grad_checkpoint may differ). Saving with accumulated but unapplied micro-batches
 * is refused (SAM_ERR_STATE); loading discards them. */
int sam_checkpoint_save(const sam_trainer *t, const char *path);
int sam_checkpoint_load(sam_trainer *t, const char *path);
void sam_trainer_free(sam_trainer *t);

/* ---- evaluation ---------------------------------------------------------------------------- */
/* Sum of next-token cross-entropy over the scored targets of each row, with adapters l (NULL: base
 * model). loss_sum and num_targets are arrays of batch elements; -loss_sum[b] is the
 * log-probability of row b's targets. Same tokens/lengths/loss_mask conventions as training; rows
 * without scored targets give 0 and 0. */
int sam_eval_loss(const sam_model *m, const sam_lora *l, const int32_t *tokens, const int32_t *lengths,
                  const uint8_t *loss_mask, int32_t batch, int32_t seq_len,
                  double *loss_sum, int64_t *num_targets);
/* Logits [n, vocab] for every position of one sequence. */
int sam_forward_logits(const sam_model *m, const sam_lora *l, const int32_t *tokens, int32_t n,
                       float *logits);

/* ---- generation (KV cache) ------------------------------------------------------------------ */
typedef struct sam_gen_config {
    int32_t max_new_tokens;
    int32_t max_context;    /* KV cache length; prompt + new tokens must fit */
    float temperature;      /* <= 0: greedy */
    float top_p;            /* (0, 1]; 1 disables nucleus filtering */
    uint64_t seed;
    const int32_t *stop_ids;
    int32_t num_stop_ids;
} sam_gen_config;

typedef struct sam_generator sam_generator;

/* Allocates the KV cache (num_layers x max_context x kv_dim, K and V) and all scratch. */
int sam_gen_create(const sam_model *m, const sam_lora *l, const sam_gen_config *cfg, sam_generator **out);
/* Starts (or restarts) generation from a prompt: empties the cache and reseeds the sampler.
 * n + max_new_tokens must not exceed max_context (SAM_ERR_INVALID_ARG otherwise). */
int sam_gen_prefill(sam_generator *g, const int32_t *ids, int32_t n);
/* Next token. *token is the sampled id, or -1 when no token is produced; *done = 1 when generation
 * ended: on a stop id (which is not returned: *token = -1) or together with the max_new_tokens-th
 * token (*token valid). Calls after the end return *done = 1, *token = -1. */
int sam_gen_next(sam_generator *g, int32_t *token, int32_t *done);
/* Teacher-forced scoring through the decode path: after sam_gen_prefill, feeds ids[0..n-1) one token at a
 * time exactly as sam_gen_next would feed sampled ones, and writes logits [n, vocab]: row i is the
 * distribution of ids[i] given the prompt and ids[0..i). What a precision setting (SAM_DECODE_Q8) changes
 * in generated answers, measured on known continuations. prompt + n must fit max_context; the generator
 * is done afterwards (prefill again to reuse it). */
int sam_gen_score(sam_generator *g, const int32_t *ids, int32_t n, float *logits);
void sam_gen_free(sam_generator *g);

#ifdef __cplusplus
}
#endif

#endif /* SAMTRAIN_H */
