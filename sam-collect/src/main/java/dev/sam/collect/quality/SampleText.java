package dev.sam.collect.quality;

import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The text of a sample as dedup sees it: its turns as chat (an Alpaca sample is instruction + input →
 * output, {@link Sample#asMessages}), each tagged as prompt, earlier assistant turn or final answer, so a
 * question answered in Alpaca form by one source and in chat form by another is the same sample.
 * Normalized (lower case, whitespace collapsed) for the exact hash (SHA-256); near-dup shingles are
 * token 3-grams per turn, tagged with its role, so that "implement this documented function" and
 * "document this function" built from one function (the same words in swapped roles) are not
 * near-duplicates of each other. When an Alpaca sample has an input, its instruction is a task template
 * ("Write the commit message for this change.") and is left out of the shingles: otherwise a long
 * shared template would make two short, different inputs look alike.
 *
 * <pre>String hash = SampleText.of(sample).exactHash();</pre>
 */
public final class SampleText {
    private static final int SHINGLE = 3;

    private final List<String[]> fields;
    private final List<String[]> shingleFields;
    /** UTF-8 of each normalized field, computed once (not thread-safe: one SampleText per thread). */
    private byte[][] normalized;

    private SampleText(List<String[]> fields, List<String[]> shingleFields) {
        this.fields = fields;
        this.shingleFields = shingleFields;
    }

    public static SampleText of(Sample s) {
        List<String[]> f = new ArrayList<>();
        List<ChatMessage> m = s.asMessages();
        for (int i = 0; i < m.size(); i++) {
            String role = m.get(i).role();
            String tag = i == m.size() - 1 ? "final" : "assistant".equals(role) ? "assistant" : "prompt";
            f.add(new String[] {tag, m.get(i).content()});
        }
        if (!s.isChat() && s.input() != null && !s.input().isBlank()) {
            return new SampleText(f, List.of(new String[] {"input", s.input()}, new String[] {"final", s.output()}));
        }
        return new SampleText(f, f);
    }

    /** For DPO pairs: prompt, chosen, rejected. */
    public static SampleText ofPair(String prompt, String chosen, String rejected) {
        List<String[]> f = List.of(new String[] {"prompt", prompt}, new String[] {"chosen", chosen},
                new String[] {"rejected", rejected});
        return new SampleText(f, f);
    }

    /** Lower case, runs of whitespace as one space, trimmed. */
    public static String normalize(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                space = sb.length() > 0;
            } else {
                if (space) {
                    sb.append(' ');
                    space = false;
                }
                sb.append(c);
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    /** Hex SHA-256 of the normalized, tagged fields. */
    public String exactHash() {
        return hash(fields.size());
    }

    /** SHA-256 of the first {@code count} fields; each field is normalized once for both hashes. */
    private String hash(int count) {
        if (normalized == null) {
            normalized = new byte[fields.size()][];
            for (int i = 0; i < normalized.length; i++) {
                normalized[i] = normalize(fields.get(i)[1]).getBytes(StandardCharsets.UTF_8);
            }
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < count; i++) {
                md.update(fields.get(i)[0].getBytes(StandardCharsets.UTF_8));
                md.update((byte) 1);
                md.update(normalized[i]);
                md.update((byte) 2);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /**
     * Hex SHA-256 of the normalized prompt turns (everything but the final answer): two samples with
     * the same prompt hash and different exact hashes answer one question differently (a conflict).
     * Null for preference pairs.
     */
    public String promptHash() {
        if (fields.isEmpty() || !"final".equals(fields.get(fields.size() - 1)[0])) {
            return null;
        }
        return hash(fields.size() - 1);
    }

    /** 64-bit hashes of the tagged token 3-grams (a field shorter than 3 tokens is one shingle). */
    public long[] shingles() {
        List<Long> out = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (String[] f : shingleFields) {
            tokens.clear();
            tokenize(f[1], tokens);
            long seed = fnv(f[0], 0xcbf29ce484222325L);
            if (tokens.isEmpty()) {
                continue;
            }
            if (tokens.size() < SHINGLE) {
                long h = seed;
                for (String t : tokens) {
                    h = fnv(t, h * 31);
                }
                out.add(mix(h));
                continue;
            }
            for (int i = 0; i + SHINGLE <= tokens.size(); i++) {
                long h = seed;
                for (int j = 0; j < SHINGLE; j++) {
                    h = fnv(tokens.get(i + j), h * 31);
                }
                out.add(mix(h));
            }
        }
        long[] a = new long[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    private static void tokenize(String s, List<String> out) {
        if (s == null) {
            return;
        }
        int start = -1;
        for (int i = 0; i <= s.length(); i++) {
            boolean word = i < s.length() && Character.isLetterOrDigit(s.charAt(i));
            if (word && start < 0) {
                start = i;
            } else if (!word && start >= 0) {
                out.add(s.substring(start, i).toLowerCase(Locale.ROOT));
                start = -1;
            }
        }
    }

    private static long fnv(String s, long h) {
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** splitmix64 finalizer: spreads FNV's weak low bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
