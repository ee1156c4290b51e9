package dev.sam.train.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A small corpus of English prose and code (Java, Python, shell, JSON, Markdown, SQL, some other
 * scripts and languages) shipped with SAM, written for it, used to train the tiny model's tokenizer when
 * the user gives no corpus of their own.
 */
public final class BuiltinCorpus {
    private static final List<String> FILES = List.of("english.txt", "java.txt", "python.txt", "misc.txt");

    private BuiltinCorpus() {
    }

    public static List<String> texts() {
        List<String> out = new ArrayList<>();
        for (String f : FILES) {
            try {
                out.add(TokenizerFiles.resource("corpus/" + f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
