/* abi.c — sam_abi_layout: sizeof and field offsets of the structs of include/samtrain.h as this
 * compiler lays them out, so a binding (sam-train's JNA mirrors, SamTrainLibrary) can check its own
 * layout against the library's instead of trusting that both sides agree. */
#include <stddef.h>
#include <stdio.h>

#include "samtrain.h"

#define F(f) " " #f "=%zu"
#define O(S, f) offsetof(S, f)

const char *sam_abi_layout(void) {
    static char buf[1536];
    static int done;
    if (done) return buf; /* the text is the same on every call; racing first calls write the same bytes */
    snprintf(buf, sizeof buf,
             "sam_model_info size=%zu" F(hidden_size) F(num_layers) F(num_heads) F(num_kv_heads) F(head_dim)
             F(intermediate_size) F(vocab_size) F(tie_word_embeddings) F(rope_theta) F(rms_norm_eps)
             F(weight_dtype) F(quant_bits) F(quant_group_size) F(num_params) "\n"
             "sam_lora_config size=%zu" F(rank) F(scale) F(dropout) F(num_layers) F(targets) "\n"
             "sam_train_config size=%zu" F(learning_rate) F(beta1) F(beta2) F(eps) F(weight_decay)
             F(grad_clip) F(lr_schedule) F(warmup_steps) F(total_steps) F(min_lr) F(max_batch)
             F(max_seq_len) F(grad_checkpoint) F(seed) F(memory_budget) "\n"
             "sam_step_stats size=%zu" F(step) F(learning_rate) F(grad_norm) F(micro_batches) "\n"
             "sam_gen_config size=%zu" F(max_new_tokens) F(max_context) F(temperature) F(top_p) F(seed)
             F(stop_ids) F(num_stop_ids) "\n",
             sizeof(sam_model_info), O(sam_model_info, hidden_size), O(sam_model_info, num_layers),
             O(sam_model_info, num_heads), O(sam_model_info, num_kv_heads), O(sam_model_info, head_dim),
             O(sam_model_info, intermediate_size), O(sam_model_info, vocab_size), O(sam_model_info, tie_word_embeddings),
             O(sam_model_info, rope_theta), O(sam_model_info, rms_norm_eps), O(sam_model_info, weight_dtype),
             O(sam_model_info, quant_bits), O(sam_model_info, quant_group_size), O(sam_model_info, num_params),
             sizeof(sam_lora_config), O(sam_lora_config, rank), O(sam_lora_config, scale), O(sam_lora_config, dropout),
             O(sam_lora_config, num_layers), O(sam_lora_config, targets),
             sizeof(sam_train_config), O(sam_train_config, learning_rate), O(sam_train_config, beta1),
             O(sam_train_config, beta2), O(sam_train_config, eps), O(sam_train_config, weight_decay),
             O(sam_train_config, grad_clip), O(sam_train_config, lr_schedule), O(sam_train_config, warmup_steps),
             O(sam_train_config, total_steps), O(sam_train_config, min_lr), O(sam_train_config, max_batch),
             O(sam_train_config, max_seq_len), O(sam_train_config, grad_checkpoint), O(sam_train_config, seed),
             O(sam_train_config, memory_budget),
             sizeof(sam_step_stats), O(sam_step_stats, step), O(sam_step_stats, learning_rate),
             O(sam_step_stats, grad_norm), O(sam_step_stats, micro_batches),
             sizeof(sam_gen_config), O(sam_gen_config, max_new_tokens), O(sam_gen_config, max_context),
             O(sam_gen_config, temperature), O(sam_gen_config, top_p), O(sam_gen_config, seed),
             O(sam_gen_config, stop_ids), O(sam_gen_config, num_stop_ids));
    done = 1;
    return buf;
}
