package dev.sam.train.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of LoRA tensors attached to a model, in mlx-lm layout (lora_a [in, r], lora_b [r, out]).
 *
 * <pre>try (LoraAdapters a = LoraAdapters.load(model, spec, dir.resolve("adapters.safetensors"))) { ... }</pre>
 */
public final class LoraAdapters implements AutoCloseable {
    /** Name and stored shape of one tensor. */
    public record Tensor(int index, String name, int rows, int cols) {
        public int size() {
            return rows * cols;
        }
    }

    private Pointer handle;
    private final LoraSpec spec;
    private final List<Tensor> tensors;

    private LoraAdapters(Pointer handle, LoraSpec spec) {
        this.handle = handle;
        this.spec = spec;
        SamTrainLibrary l = Natives.lib();
        int n = l.sam_lora_num_tensors(handle);
        List<Tensor> ts = new ArrayList<>(n);
        byte[] name = new byte[256];
        for (int i = 0; i < n; i++) {
            IntByReference rows = new IntByReference();
            IntByReference cols = new IntByReference();
            Natives.check(l.sam_lora_tensor_info(handle, i, name, name.length, rows, cols), "read LoRA tensor info");
            int len = 0;
            while (len < name.length && name[len] != 0) {
                len++;
            }
            ts.add(new Tensor(i, new String(name, 0, len, StandardCharsets.UTF_8), rows.getValue(), cols.getValue()));
        }
        this.tensors = List.copyOf(ts);
    }

    /** Fresh adapters: A uniform in ±1/sqrt(in) from the seed, B zero. */
    public static LoraAdapters create(NativeModel model, LoraSpec spec, long seed) {
        PointerByReference out = new PointerByReference();
        Natives.check(Natives.lib().sam_lora_create(model.handle(), spec.toStruct(), seed, out), "create LoRA adapters");
        return new LoraAdapters(out.getValue(), spec);
    }

    /** Loads an mlx-lm adapters.safetensors; all name/shape mismatches are reported at once. */
    public static LoraAdapters load(NativeModel model, LoraSpec spec, Path file) {
        PointerByReference out = new PointerByReference();
        Natives.check(Natives.lib().sam_lora_load(model.handle(), spec.toStruct(), file.toAbsolutePath().toString(),
                out), "load adapters " + file);
        return new LoraAdapters(out.getValue(), spec);
    }

    /** Writes adapters.safetensors (atomically). adapter_config.json is written by AdapterConfig. */
    public void save(Path file) {
        Natives.check(Natives.lib().sam_lora_save(handle(), file.toAbsolutePath().toString()), "save adapters to " + file);
    }

    public List<Tensor> tensors() {
        return tensors;
    }

    public LoraSpec spec() {
        return spec;
    }

    public float[] read(Tensor t) {
        float[] out = new float[t.size()];
        Natives.check(Natives.lib().sam_lora_read(handle(), t.index(), out), "read " + t.name());
        return out;
    }

    public void write(Tensor t, float[] values) {
        if (values.length != t.size()) {
            throw new IllegalArgumentException(t.name() + " has " + t.size() + " values, got " + values.length);
        }
        Natives.check(Natives.lib().sam_lora_write(handle(), t.index(), values), "write " + t.name());
    }

    Pointer handle() {
        if (handle == null) {
            throw new IllegalStateException("adapters are closed");
        }
        return handle;
    }

    @Override
    public synchronized void close() {
        if (handle != null) {
            Natives.lib().sam_lora_free(handle);
            handle = null;
        }
    }
}
