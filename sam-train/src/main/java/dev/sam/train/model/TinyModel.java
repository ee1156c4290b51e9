package dev.sam.train.model;

import dev.sam.core.SamException;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.tokenizer.BpeVocabulary;
import dev.sam.train.tokenizer.BuiltinCorpus;
import dev.sam.train.tokenizer.ByteLevelBpeTrainer;
import dev.sam.train.tokenizer.SpecialTokens;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * SAM's tiny Qwen2 model for tests and the quickstart: a byte-level BPE tokenizer trained on a corpus
 * (SAM's built-in English + code corpus unless one is given) and a random Qwen2 network with GQA, q/k/v
 * biases and tied embeddings whose vocabulary is the tokenizer's size rounded up to a multiple of 64
 * (Qwen pads its vocabulary the same way). Defaults: hidden 64, 4 heads / 2 KV heads (head_dim 16),
 * 2 layers, intermediate 192, 512 merges, float32, final norm weight {@value #OUTPUT_NORM}.
 *
 * <p>Why the final norm weight is not 1: the tied output head multiplies the final RMSNorm's output
 * (unit RMS, so norm √hidden = 8) with embedding rows of std 0.02 (norm ≈ 0.16), so with a weight of 1
 * every logit lies within about ±1.3 and no token can get more than a few percent of the probability:
 * the loss cannot fall below ≈ 5 whatever LoRA learns (measured: 6.7 → 5.6 in 300 steps). A trained
 * model's final norm is far from 1; {@value #OUTPUT_NORM} gives the random model a trained model's logit
 * range, so LoRA fine-tuning visibly works on it (20 chat samples are memorized to loss &lt; 0.01).
 *
 * <pre>TinyModel.Written w = TinyModel.write(dir, TinyModel.Options.defaults(), ProgressListener.NONE);</pre>
 */
public final class TinyModel {
    /** Value of {@code model.norm.weight} in the tiny model (see above). */
    public static final float OUTPUT_NORM = 16f;

    private TinyModel() {
    }

    /** The knobs of {@code sam model init-tiny}; {@code corpus} null means the built-in corpus. */
    public record Options(int layers, int hidden, int heads, int kvHeads, int intermediate, int merges, long seed,
                          Dtype dtype, List<String> corpus) {
        public static Options defaults() {
            return new Options(2, 64, 4, 2, 192, 512, 0, Dtype.F32, null);
        }

        public Options with(Integer layers, Integer hidden, Integer merges, Long seed) {
            int h = hidden == null ? this.hidden : hidden;
            int inter = hidden == null ? intermediate : roundUp(h * 3, 32);
            return new Options(layers == null ? this.layers : layers, h, heads, kvHeads, inter,
                    merges == null ? this.merges : merges, seed == null ? this.seed : seed, dtype, corpus);
        }

        public Options withCorpus(List<String> texts) {
            return new Options(layers, hidden, heads, kvHeads, intermediate, merges, seed, dtype, texts);
        }
    }

    /** What was written; {@code merges} may be fewer than asked when the corpus ran out of repeated pairs. */
    public record Written(Path dir, ModelConfig config, int tokenizerVocab, int merges, long weightBytes,
                          long params) {
    }

    public static Written write(Path target, Options o, ProgressListener progress) throws IOException {
        if (o.layers() < 1 || o.layers() > 64 || o.hidden() < 8 || o.hidden() > 4096 || o.merges() < 0
                || o.merges() > 100_000) {
            throw SamException.usage("tiny model out of range: layers " + o.layers() + ", hidden " + o.hidden()
                    + ", merges " + o.merges(), "use 1-64 layers, hidden 8-4096 (a multiple of 8) and 0-100000 merges");
        }
        if (o.hidden() % 8 != 0) {
            throw SamException.usage("hidden size " + o.hidden() + " is not a multiple of 8",
                    "with 4 heads of an even head_dim the hidden size must be a multiple of 8, e.g. 64 or 128");
        }
        BpeVocabulary bpe = new ByteLevelBpeTrainer(o.merges()).train(o.corpus() == null ? BuiltinCorpus.texts()
                : o.corpus());
        int tokenizerVocab = bpe.size() + SpecialTokens.WRITTEN.size();
        ModelConfig shape = new ModelConfig(o.hidden(), o.layers(), o.heads(), o.kvHeads(), o.hidden() / o.heads(),
                o.intermediate(), roundUp(tokenizerVocab, 64), 1_000_000.0, 1e-6, true, 32768, o.dtype().torchName(),
                null);
        ModelFactory.Written w = ModelFactory.write(shape, target,
                new ModelFactory.Options(o.seed(), o.dtype(), null, OUTPUT_NORM), bpe, progress);
        return new Written(w.dir(), w.config(), tokenizerVocab, bpe.merges().size(), w.weightBytes(), w.params());
    }

    static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }
}
