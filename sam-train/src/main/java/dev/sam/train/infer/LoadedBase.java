package dev.sam.train.infer;

import dev.sam.core.SamException;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.tokenizer.Tokenizer;
import java.nio.file.Path;

/**
 * A base model opened once — native weights (memory-mapped) and tokenizer — shared by every
 * {@link ChatEngine} that serves adapters on it, so that an active version and a canary do not map
 * the same gigabytes twice. Reference-counted: {@link #open} and {@link #retain} each take a
 * reference, {@link #close} gives one back, the last one frees the native model.
 *
 * <pre>try (LoadedBase base = LoadedBase.open(dir); ChatEngine e = ChatEngine.open(base, adapters)) { ... }</pre>
 */
public final class LoadedBase implements AutoCloseable {
    private final Path dir;
    private final ModelConfig config;
    private final Tokenizer tokenizer;
    private final NativeModel model;
    private int refs = 1;

    private LoadedBase(Path dir, ModelConfig config, Tokenizer tokenizer, NativeModel model) {
        this.dir = dir;
        this.config = config;
        this.tokenizer = tokenizer;
        this.model = model;
    }

    /** Opens the model in {@code dir}, checking that its tokenizer fits its vocabulary. */
    public static LoadedBase open(Path dir) {
        ModelConfig config = ModelConfig.load(dir.resolve("config.json"));
        Tokenizer tok = Tokenizer.load(dir);
        try {
            if (tok.vocabSize() > config.vocabSize()) {
                throw SamException.failure("tokenizer " + tok.file() + " produces ids up to " + (tok.vocabSize() - 1)
                        + " but the model in " + dir + " has vocab_size " + config.vocabSize(),
                        "tokenizer.json and the weights come from different models: restore the model's own files");
            }
            return new LoadedBase(dir, config, tok, NativeModel.open(dir));
        } catch (RuntimeException e) {
            tok.close();
            throw e;
        }
    }

    /** Takes another reference (released by {@link #close}). */
    public synchronized LoadedBase retain() {
        if (refs == 0) {
            throw new IllegalStateException("base model " + dir + " is closed");
        }
        refs++;
        return this;
    }

    public Path dir() {
        return dir;
    }

    public ModelConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public NativeModel model() {
        return model;
    }

    @Override
    public synchronized void close() {
        if (refs == 0) {
            return;
        }
        if (--refs == 0) {
            model.close();
            tokenizer.close();
        }
    }
}
