package dev.sam.collect.code;

import dev.sam.core.model.Fim;
import dev.sam.core.model.Sample;
import dev.sam.core.sample.SampleOrigin;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Fill-in-the-middle samples from functions, so adapters learn to complete the user's code in the editor,
 * not only to chat. Following Bavarian et al. 2022, "Efficient Training of Language Models to Fill in the
 * Middle": a document is cut at two character positions drawn uniformly at random into prefix, middle and
 * suffix and trained on in PSM order ({@link Fim#psm}: prefix, suffix, then the middle as the
 * continuation, §3), for a fraction of documents, the FIM rate ({@code collect.fim_rate}; the paper
 * finds rates up to 0.9 cost no left-to-right ability, §4.1, and uses 0.5 in most runs). Here the document
 * is a function (or method) and the cut points fall in its body, after the signature, so the prefix
 * always says what is being written; the middle is at least one non-blank character.
 *
 * <p>Everything is decided by a SHA-256 of the function's place and code, so a re-collection yields the
 * same samples (the dedup index recognises them) and the choice does not depend on collection order.
 * Functions of any documentation qualify; the quality is about the code: 0.6 for 3–60 lines, 0.4
 * otherwise, 0.2 for a trivial accessor. The stored sample carries the PSM prompt as instruction and the
 * middle as output with {@code meta.task = "fim"}; the trainer reads it as plain text (no chat template).
 *
 * <pre>Optional&lt;Sample&gt; s = FimSamples.of(symbol, "repo", "src/A.java", 0.5);</pre>
 */
public final class FimSamples {
    public static final String TASK = "fim";
    private static final int TRIES = 8;

    private FimSamples() {
    }

    public static Optional<Sample> of(CodeSymbol s, String repo, String path, double rate) {
        if (rate <= 0 || !isFunction(s.kind()) || s.lines() < 2 || s.lines() > CodeSamples.MAX_FUNCTION_LINES) {
            return Optional.empty();
        }
        String code = s.code();
        int bodyStart = code.startsWith(s.signature()) ? s.signature().length() : code.indexOf('\n') + 1;
        if (bodyStart <= 0 || bodyStart >= code.length()) {
            return Optional.empty();
        }
        byte[] h = sha256(repo + "\u0000" + path + "\u0000" + s.name() + "\u0000" + code);
        long draw = 0;
        for (int i = 0; i < 8; i++) {
            draw = (draw << 8) | (h[i] & 0xff);
        }
        if ((draw >>> 11) * 0x1.0p-53 >= rate) {
            return Optional.empty();
        }
        SplittableRandom rnd = new SplittableRandom(draw ^ ((long) h[8] << 56));
        for (int t = 0; t < TRIES; t++) {
            int a = rnd.nextInt(bodyStart, code.length() + 1);
            int b = rnd.nextInt(bodyStart, code.length() + 1);
            int lo = Math.min(a, b);
            int hi = Math.max(a, b);
            String middle = code.substring(lo, hi);
            if (!middle.isBlank()) {
                return Optional.of(Sample.alpaca(null, null, quality(s), null,
                        Fim.psm(code.substring(0, lo), code.substring(hi)), "", middle, meta(s, repo, path))
                        .withOrigin(SampleOrigin.code(repo, path, s.name())));
            }
        }
        return Optional.empty();
    }

    static double quality(CodeSymbol s) {
        if (s.lines() <= 5 && CodeQuality.ACCESSOR.matcher(s.name()).matches()) {
            return 0.2;
        }
        return s.lines() >= 3 && s.lines() <= 60 ? 0.6 : 0.4;
    }

    private static boolean isFunction(String kind) {
        return kind.equals("function") || kind.equals("method") || kind.equals("constructor");
    }

    private static Map<String, Object> meta(CodeSymbol s, String repo, String path) {
        Map<String, Object> m = CodeSamples.meta(s, repo, path, TASK);
        m.put("format", "psm");
        return m;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
