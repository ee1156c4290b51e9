package dev.sam.collect.quality;

import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
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
        return isAscii(s) ? normalizeAscii(s) : normalizeAny(s);
    }

    /** The definition of {@link #normalize}, for any text (the ASCII path is checked against it). */
    static String normalizeAny(String s) {
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

    /**
     * {@link #normalize} of an ASCII text without the general case's lookups: there
     * {@code Character.isWhitespace} is true for tab to carriage return, the four separators 0x1C-0x1F and
     * space, and lower case is A-Z + 32.
     */
    private static String normalizeAscii(String s) {
        byte[] out = new byte[s.length()];
        int n = 0;
        boolean space = false;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c == ' ' || c >= '\t' && c <= '\r' || c >= 0x1C && c <= 0x1F) {
                space = n > 0;
            } else {
                if (space) {
                    out[n++] = ' ';
                    space = false;
                }
                out[n++] = (byte) (c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
        }
        return new String(out, 0, n, StandardCharsets.ISO_8859_1);
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
        long[] out = new long[64];
        int n = 0;
        List<String> tokens = new ArrayList<>();
        for (String[] f : shingleFields) {
            long seed = fnv(f[0], 0xcbf29ce484222325L);
            String s = f[1];
            // ASCII (most code and prose): the same tokens and hashes as tokenize + fnv without a String
            // per token, as a token is then a run of [A-Za-z0-9] and its lower case is A-Z + 32
            boolean ascii = s != null && isAscii(s);
            int count;
            if (ascii) {
                count = asciiTokens(s);
            } else {
                tokens.clear();
                tokenize(s, tokens);
                count = tokens.size();
            }
            int width = Math.min(count, SHINGLE);
            for (int i = 0; count > 0 && i + width <= count; i++) {
                long h = seed;
                for (int j = i; j < i + width; j++) {
                    h = ascii ? fnvAscii(s, bounds[2 * j], bounds[2 * j + 1], h * 31) : fnv(tokens.get(j), h * 31);
                }
                if (n == out.length) {
                    out = Arrays.copyOf(out, 2 * n);
                }
                out[n++] = mix(h);
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** ASCII fields' token bounds: token i is [bounds[2i], bounds[2i+1]) (scratch of {@link #shingles}). */
    private int[] bounds = new int[64];

    /** The tokens of an ASCII text into {@link #bounds} (grown as needed); their count. */
    private int asciiTokens(String s) {
        int[] b = bounds;
        int count = 0;
        int start = -1;
        for (int i = 0, len = s.length(); i <= len; i++) {
            char c = i < len ? s.charAt(i) : ' ';
            boolean word = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (word && start < 0) {
                start = i;
            } else if (!word && start >= 0) {
                if (2 * count + 2 > b.length) {
                    b = Arrays.copyOf(b, 2 * b.length);
                }
                b[2 * count] = start;
                b[2 * count + 1] = i;
                count++;
                start = -1;
            }
        }
        bounds = b;
        return count;
    }

    private static boolean isAscii(String s) {
        for (int i = 0, len = s.length(); i < len; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** {@link #fnv} of {@code s.substring(from, to).toLowerCase(Locale.ROOT)} for ASCII text. */
    private static long fnvAscii(String s, int from, int to, long h) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            h ^= c >= 'A' && c <= 'Z' ? c + 32 : c;
            h *= 0x100000001b3L;
        }
        return h;
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
