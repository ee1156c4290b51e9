package dev.sam.train.infer;

import dev.sam.train.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a growing list of token ids into text pieces as they are generated, without ever emitting a
 * broken character: a byte-level BPE token may hold part of a UTF-8 sequence (or a character may span
 * tokens), which decodes to U+FFFD until the rest arrives. As vLLM's {@code detokenize_incrementally}
 * and transformers' {@code TextStreamer} do, it decodes a short window of recent tokens and emits only
 * the new text once it no longer ends in U+FFFD. The concatenated pieces equal the decoded whole.
 *
 * <pre>IncrementalDecoder d = new IncrementalDecoder(tok); String piece = d.add(id); ... d.finish();</pre>
 */
public final class IncrementalDecoder {
    private static final char REPLACEMENT = '\uFFFD';
    /**
     * Tokens held back at most while they decode to an incomplete character: a UTF-8 character has at most 4
     * bytes, so more than this many are bytes that will never form one (emitted as U+FFFD). Keeps the work of
     * each token bounded: without it a model emitting stray bytes makes every token decode the whole tail.
     */
    static final int MAX_PENDING = 8;

    private final Tokenizer tokenizer;
    private final List<Integer> ids = new ArrayList<>();
    private final StringBuilder emitted = new StringBuilder();
    private int prefixOffset;
    private int readOffset;
    private long decodedTokens;

    public IncrementalDecoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds one token; returns the text that became complete with it (often "", never a half character). */
    public String add(int id) {
        ids.add(id);
        String prefix = decode(prefixOffset, readOffset);
        String full = decode(prefixOffset, ids.size());
        boolean complete = full.length() > prefix.length() && full.charAt(full.length() - 1) != REPLACEMENT;
        if (complete || ids.size() - readOffset > MAX_PENDING) {
            String piece = full.startsWith(prefix) ? full.substring(prefix.length()) : full.substring(
                    Math.min(prefix.length(), full.length()));
            prefixOffset = readOffset;
            readOffset = ids.size();
            emitted.append(piece);
            return piece;
        }
        return "";
    }

    /** The text not emitted yet (incomplete bytes at the very end become U+FFFD), at the end of generation. */
    public String finish() {
        String all = decode(0, ids.size());
        String rest = all.length() > emitted.length() && all.startsWith(emitted.toString())
                ? all.substring(emitted.length()) : "";
        emitted.append(rest);
        return rest;
    }

    /** Everything emitted so far. */
    public String text() {
        return emitted.toString();
    }

    /** Tokens decoded so far, all calls together (the work done; linear in the tokens added). */
    long decodedTokens() {
        return decodedTokens;
    }

    private String decode(int from, int to) {
        if (from >= to) {
            return "";
        }
        decodedTokens += to - from;
        int[] a = new int[to - from];
        for (int i = from; i < to; i++) {
            a[i - from] = ids.get(i);
        }
        return tokenizer.decode(a, true);
    }
}
