package dev.sam.train.nativelib;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.DoubleByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.List;

/**
 * JNA mapping of native/include/samtrain.h, one method per C function, same names and order.
 * Only the wrappers in this package use it; they turn status codes into SamExceptions.
 */
interface SamTrainLibrary extends Library {
    int SAM_OK = 0;

    String sam_last_error();

    int sam_abi_version();

    String sam_abi_layout();

    int sam_backend_init(String blasLibrary, int numThreads);

    String sam_backend_name();

    String sam_builtin_isa();

    int sam_backend_set_precision(int precision);

    int sam_backend_set_decode_precision(int precision);

    int sam_sgemm(int transA, int transB, int m, int n, int k, float alpha, Pointer a, int lda, Pointer b, int ldb,
                  float beta, Pointer c, int ldc);

    // ---- model
    int sam_model_open(String modelDir, PointerByReference out);

    int sam_model_get_info(Pointer model, ModelInfoStruct out);

    int sam_model_weight_info(Pointer model, String name, IntByReference rows, IntByReference cols);

    int sam_model_weight_rows(Pointer model, String name, int row0, int nrows, float[] out);

    void sam_model_free(Pointer model);

    // ---- LoRA
    int sam_lora_create(Pointer model, LoraConfigStruct cfg, long seed, PointerByReference out);

    int sam_lora_load(Pointer model, LoraConfigStruct cfg, String path, PointerByReference out);

    int sam_lora_save(Pointer lora, String path);

    int sam_lora_num_tensors(Pointer lora);

    int sam_lora_tensor_info(Pointer lora, int index, byte[] name, int nameCapacity, IntByReference rows,
                             IntByReference cols);

    int sam_lora_read(Pointer lora, int index, float[] out);

    int sam_lora_write(Pointer lora, int index, float[] in);

    void sam_lora_free(Pointer lora);

    // ---- training
    int sam_trainer_create(Pointer model, Pointer lora, TrainConfigStruct cfg, PointerByReference out);

    int sam_trainer_plan(Pointer trainer, IntByReference rowsPerPass, IntByReference gradCheckpoint,
                         LongByReference plannedBytes);

    int sam_train_accumulate(Pointer trainer, int[] tokens, int[] lengths, byte[] lossMask, int batch, int seqLen,
                             DoubleByReference meanLoss, LongByReference numTargets);

    int sam_train_accumulate_weighted(Pointer trainer, int[] tokens, int[] lengths, byte[] lossMask, float[] weights,
                                      int batch, int seqLen, DoubleByReference meanLoss, LongByReference numTargets);

    int sam_train_accumulate_dpo(Pointer trainer, int[] tokens, int[] lengths, byte[] lossMask, double[] refLogp,
                                 int batch, int seqLen, float beta, float labelSmoothing, DoubleByReference meanLoss,
                                 double[] policyLogp);

    int sam_train_apply(Pointer trainer, StepStatsStruct stats);

    int sam_trainer_read_grad(Pointer trainer, int index, float[] out);

    long sam_trainer_step(Pointer trainer);

    int sam_checkpoint_save(Pointer trainer, String path);

    int sam_checkpoint_load(Pointer trainer, String path);

    void sam_trainer_free(Pointer trainer);

    // ---- evaluation
    int sam_eval_loss(Pointer model, Pointer lora, int[] tokens, int[] lengths, byte[] lossMask, int batch,
                      int seqLen, double[] lossSum, long[] numTargets);

    int sam_forward_logits(Pointer model, Pointer lora, int[] tokens, int n, float[] logits);

    // ---- generation
    int sam_gen_create(Pointer model, Pointer lora, GenConfigStruct cfg, PointerByReference out);

    int sam_gen_prefill(Pointer gen, int[] ids, int n);

    int sam_gen_next(Pointer gen, IntByReference token, IntByReference done);

    int sam_gen_score(Pointer gen, int[] ids, int n, float[] logits);

    void sam_gen_free(Pointer gen);

    /** A struct mirror whose layout AbiLayoutTest compares with the library's (sam_abi_layout). */
    abstract class AbiStruct extends Structure {
        /** Byte offset of a field as JNA lays it out. */
        int offsetOf(String field) {
            return fieldOffset(field);
        }

        /** The fields in declaration order (@FieldOrder). */
        List<String> fields() {
            return getFieldOrder();
        }
    }

    /** struct sam_model_info. */
    @Structure.FieldOrder({"hidden_size", "num_layers", "num_heads", "num_kv_heads", "head_dim",
            "intermediate_size", "vocab_size", "tie_word_embeddings", "rope_theta", "rms_norm_eps", "weight_dtype",
            "quant_bits", "quant_group_size", "num_params"})
    class ModelInfoStruct extends AbiStruct {
        public int hidden_size;
        public int num_layers;
        public int num_heads;
        public int num_kv_heads;
        public int head_dim;
        public int intermediate_size;
        public int vocab_size;
        public int tie_word_embeddings;
        public float rope_theta;
        public float rms_norm_eps;
        public int weight_dtype;
        public int quant_bits;
        public int quant_group_size;
        public long num_params;
    }

    /** struct sam_lora_config. */
    @Structure.FieldOrder({"rank", "scale", "dropout", "num_layers", "targets"})
    class LoraConfigStruct extends AbiStruct {
        public int rank;
        public float scale;
        public float dropout;
        public int num_layers;
        public int targets;
    }

    /** struct sam_train_config. */
    @Structure.FieldOrder({"learning_rate", "beta1", "beta2", "eps", "weight_decay", "grad_clip", "lr_schedule",
            "warmup_steps", "total_steps", "min_lr", "max_batch", "max_seq_len", "grad_checkpoint", "seed", "memory_budget"})
    class TrainConfigStruct extends AbiStruct {
        public float learning_rate;
        public float beta1;
        public float beta2;
        public float eps;
        public float weight_decay;
        public float grad_clip;
        public int lr_schedule;
        public int warmup_steps;
        public int total_steps;
        public float min_lr;
        public int max_batch;
        public int max_seq_len;
        public int grad_checkpoint;
        public long seed;
        public long memory_budget;
    }

    /** struct sam_step_stats. */
    @Structure.FieldOrder({"step", "learning_rate", "grad_norm", "micro_batches"})
    class StepStatsStruct extends AbiStruct {
        public long step;
        public float learning_rate;
        public float grad_norm;
        public int micro_batches;
    }

    /** struct sam_gen_config. */
    @Structure.FieldOrder({"max_new_tokens", "max_context", "temperature", "top_p", "seed", "stop_ids",
            "num_stop_ids"})
    class GenConfigStruct extends AbiStruct {
        public int max_new_tokens;
        public int max_context;
        public float temperature;
        public float top_p;
        public long seed;
        public Pointer stop_ids;
        public int num_stop_ids;
    }
}
