package dev.sam.train.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/** A small trained tokenizer directory for tests. */
public final class TestTokenizers {
    private TestTokenizers() {
    }

    public static Path write(Path dir, int merges) throws IOException {
        TokenizerFiles.write(dir, new ByteLevelBpeTrainer(merges).train(BuiltinCorpus.texts()));
        return dir;
    }
}
