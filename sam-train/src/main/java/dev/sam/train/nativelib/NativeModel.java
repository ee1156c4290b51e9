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

    /** Logical [rows, cols] of a base weight by its safetensors name (1-D tensors: rows = 1). */
    public int[] weightShape(String name) {
        com.sun.jna.ptr.IntByReference r = new com.sun.jna.ptr.IntByReference();
        com.sun.jna.ptr.IntByReference c = new com.sun.jna.ptr.IntByReference();
        Natives.check(Natives.lib().sam_model_weight_info(handle(), name, r, c), "read the shape of " + name);
        return new int[] {r.getValue(), c.getValue()};
    }

    /** Rows [row0, row0 + n) of a base weight as fp32, dequantized or converted as the trainer sees them. */
    public float[] weightRows(String name, int row0, int n) {
        int cols = weightShape(name)[1];
        float[] out = new float[Math.multiplyExact(n, cols)];
        Natives.check(Natives.lib().sam_model_weight_rows(handle(), name, row0, n, out), "read rows of " + name);
        return out;
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
