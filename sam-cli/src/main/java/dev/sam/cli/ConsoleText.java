package dev.sam.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.text.Normalizer;
import java.util.Map;

/**
 * stdout and stderr in the charset of the process's locale, with ASCII stand-ins for what it cannot
 * encode. Under cron's C locale (LANG=C: US-ASCII) the JVM printed {@code ?} for every "—", "·", "…" or
 * "→" in progress lines and messages; here they become "-", "*", "...", "->", accented letters lose
 * their accent, and anything else becomes {@code \\uXXXX}. {@code --json} results are escaped instead
 * ({@link #jsonFor}), so scripts get the exact data. A UTF-8 locale passes everything through.
 *
 * <pre>PrintWriter out = ConsoleText.writer(System.out, ConsoleText.charset());</pre>
 */
final class ConsoleText {
    private static final Map<Character, String> ASCII = Map.ofEntries(
            Map.entry('\u2014', "-"), Map.entry('\u2013', "-"), Map.entry('\u2012', "-"), Map.entry('\u2212', "-"),
            Map.entry('\u00b7', "*"), Map.entry('\u2022', "*"), Map.entry('\u2026', "..."), Map.entry('\u2192', "->"),
            Map.entry('\u2190', "<-"), Map.entry('\u2194', "<->"), Map.entry('\u21d2', "=>"), Map.entry('\u2265', ">="),
            Map.entry('\u2264', "<="), Map.entry('\u2248', "~"), Map.entry('\u00d7', "x"), Map.entry('\u00b1', "+-"),
            Map.entry('\u2018', "'"), Map.entry('\u2019', "'"), Map.entry('\u201c', "\""), Map.entry('\u201d', "\""),
            Map.entry('\u2713', "ok"), Map.entry('\u2717', "x"), Map.entry('\u2588', "#"), Map.entry('\u2591', "."),
            Map.entry('\u00a0', " "), Map.entry('\u00b5', "u"), Map.entry('\u00b0', " deg"));

    private ConsoleText() {
    }

    /**
     * The charset the terminal (or cron's mail) expects: stdout.encoding (Java 19+), sun.stdout.encoding,
     * then native.encoding (the locale's, Java 17+), then the default.
     */
    static Charset charset() {
        for (String key : new String[] {"stdout.encoding", "sun.stdout.encoding", "native.encoding"}) {
            String name = System.getProperty(key);
            if (name != null && !name.isBlank()) {
                try {
                    return Charset.forName(name);
                } catch (IllegalArgumentException e) { // unsupported or illegal name
                    // try the next source
                }
            }
        }
        return Charset.defaultCharset();
    }

    /** An autoflushing writer on {@code stream} in {@code cs}, with ASCII stand-ins for what cs cannot encode. */
    static PrintWriter writer(OutputStream stream, Charset cs) {
        Writer w = new OutputStreamWriter(stream, cs);
        return new PrintWriter(cs.newEncoder().canEncode("\u2014\u00b7\u2026\u2192") ? w : new Fallback(w, cs), true);
    }

    /**
     * JSON text that {@code cs} can carry unchanged: where cs cannot encode it, every non-ASCII character
     * (they only occur inside JSON strings) becomes its backslash-u escape (\\uXXXX), so the data stays exact.
     */
    static String jsonFor(String json, Charset cs) {
        CharsetEncoder e = cs.newEncoder();
        if (e.canEncode(json)) {
            return json;
        }
        StringBuilder sb = new StringBuilder(json.length() + 16);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            sb.append(c < 128 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return sb.toString();
    }

    /** What a character becomes where the charset lacks it. */
    static String standIn(char c) {
        String s = ASCII.get(c);
        if (s != null) {
            return s;
        }
        String stripped = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        if (!stripped.isEmpty() && stripped.chars().allMatch(x -> x < 128)) {
            return stripped;
        }
        return String.format("\\u%04x", (int) c);
    }

    private static final class Fallback extends FilterWriter {
        private final CharsetEncoder encoder;

        Fallback(Writer out, Charset cs) {
            super(out);
            this.encoder = cs.newEncoder();
        }

        @Override
        public void write(int c) throws IOException {
            char ch = (char) c;
            if (encoder.canEncode(ch)) {
                out.write(c);
            } else {
                out.write(standIn(ch));
            }
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(cbuf[i]);
            }
        }

        @Override
        public void write(String str, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(str.charAt(i));
            }
        }
    }
}
