package dev.sam.serve;

import dev.sam.core.progress.ProgressListener;
import dev.sam.train.model.TinyModel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * For tests with the real engine: the tiny Qwen2 model (with its tokenizer) as base model "tiny"; adapters
 * for it come from {@code TestAdapters.random(model, dir, seed, BASE)}.
 */
final class TinyEngineHome {
    static final String BASE = "tiny";

    private TinyEngineHome() {
    }

    static Path installTiny(Path dir) throws IOException {
        return TinyModel.write(dir, TinyModel.Options.defaults(), ProgressListener.NONE).dir();
    }
}
