package dev.sam.serve;

import dev.sam.core.progress.ProgressListener;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.model.TinyModel;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.LoraSpec;
import dev.sam.train.nativelib.NativeModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * For tests with the real engine: the tiny Qwen2 model (with its tokenizer) as base model "tiny", and
 * LoRA adapters for it whose B matrices are random (seeded), so that each version really changes what
 * the model says.
 */
final class TinyEngineHome {
    static final String BASE = "tiny";

    private TinyEngineHome() {
    }

    static Path installTiny(Path dir) throws IOException {
        return TinyModel.write(dir, TinyModel.Options.defaults(), ProgressListener.NONE).dir();
    }

    static Path adapters(Path model, Path dst, long seed) throws IOException {
        LoraSpec spec = new LoraSpec(4, 2f, 0f, -1, List.of("q_proj", "k_proj", "v_proj", "o_proj"));
        Files.createDirectories(dst);
        try (NativeModel m = NativeModel.open(model); LoraAdapters a = LoraAdapters.create(m, spec, seed)) {
            Random r = new Random(seed);
            for (LoraAdapters.Tensor t : a.tensors()) {
                if (t.name().endsWith("lora_b")) {
                    float[] v = new float[t.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (r.nextGaussian() * 0.5);
                    }
                    a.write(t, v);
                }
            }
            a.save(dst.resolve("adapters.safetensors"));
        }
        AdapterConfig.of(spec, BASE).write(dst.resolve("adapter_config.json"), null, Map.of());
        return dst;
    }
}
