package dev.sam.train.nativelib;

import dev.sam.core.json.Json;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.model.ParamTensor;
import dev.sam.train.model.TensorPlan;
import dev.sam.train.model.TinyModel;
import dev.sam.train.model.WeightsWriter;
import dev.sam.train.safetensors.Dtype;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Tiny models for the Java-side trainer tests: the default tiny model and an fp32 copy of any model. */
final class TinyModels {
    private TinyModels() {
    }

    static Path tiny(Path dir) throws IOException {
        TinyModel.write(dir, TinyModel.Options.defaults().with(null, null, 256, null), ProgressListener.NONE);
        return dir;
    }

    /**
     * Writes {@code dst}: the model of {@code src} with every weight as the native trainer sees it (MLX
     * quantized weights dequantized), stored as plain float32, plus its tokenizer files.
     */
    static Path dequantizedCopy(Path src, Path dst) throws IOException {
        ModelConfig c = ModelConfig.load(src.resolve("config.json")).withQuantization(null).withTorchDtype(Dtype.F32);
        Files.createDirectories(dst);
        Files.writeString(dst.resolve("config.json"), Json.pretty(c.toJson()) + "\n");
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(src.resolve(f), dst.resolve(f));
        }
        try (NativeModel m = NativeModel.open(src)) {
            List<TensorPlan> plans = new ArrayList<>();
            for (ParamTensor t : c.tensors()) {
                int cols = Math.toIntExact(t.cols());
                plans.add(new TensorPlan(t, Dtype.F32, null, (first, rows, out) -> System.arraycopy(
                        m.weightRows(t.name(), Math.toIntExact(first), rows), 0, out, 0, rows * cols)));
            }
            WeightsWriter.write(dst.resolve("model.safetensors"), plans, Map.of("format", "pt"), ProgressListener.NONE,
                    "dequantizing");
        }
        return dst;
    }
}
