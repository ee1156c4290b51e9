package dev.sam.train.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Path;

/**
 * A base model opened by libsamtrain (memory-mapped, read-only; safe to share between threads).
 *
 * <pre>try (NativeModel m = NativeModel.open(dir)) { ModelInfo info = m.info(); }</pre>
 */
public final class NativeModel implements AutoCloseable {
    private static final String[] DTYPES = {"f32", "f16", "bf16", "q_affine"};
    private Pointer handle;
    private final Path dir;
    private final ModelInfo info;

    private NativeModel(Pointer handle, Path dir) {
        this.handle = handle;
        this.dir = dir;
        SamTrainLibrary.ModelInfoStruct s = new SamTrainLibrary.ModelInfoStruct();
        Natives.check(Natives.lib().sam_model_get_info(handle, s), "read the model info");
        this.info = new ModelInfo(s.hidden_size, s.num_layers, s.num_heads, s.num_kv_heads, s.head_dim,
                s.intermediate_size, s.vocab_size, s.tie_word_embeddings != 0, s.rope_theta, s.rms_norm_eps,
                s.weight_dtype >= 0 && s.weight_dtype < DTYPES.length ? DTYPES[s.weight_dtype] : "unknown",
                s.quant_bits, s.quant_group_size, s.num_params);
    }

    public static NativeModel open(Path dir) {
        PointerByReference out = new PointerByReference();
        Natives.check(Natives.lib().sam_model_open(dir.toAbsolutePath().toString(), out),
                "open the model in " + dir);
        return new NativeModel(out.getValue(), dir);
    }

    public ModelInfo info() {
        return info;
    }

    public Path dir() {
        return dir;
    }

    Pointer handle() {
        if (handle == null) {
            throw new IllegalStateException("model " + dir + " is closed");
        }
        return handle;
    }

    @Override
    public synchronized void close() {
        if (handle != null) {
            Natives.lib().sam_model_free(handle);
            handle = null;
        }
    }
}
