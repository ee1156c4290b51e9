package dev.sam.train.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level alphabet, as HuggingFace tokenizers' ByteLevel pre-tokenizer uses it: every byte
 * maps to one printable character ({@code bytes_to_unicode} in openai/gpt-2 encoder.py), so any UTF-8
 * text is a sequence of these 256 symbols and nothing is ever unknown.
 */
public final class ByteLevel {
    /**
     * The pre-tokenization regex of ByteLevel with {@code use_regex: true} (GPT-2's). Java's \p{L} and \p{N}
     * are Unicode categories like Oniguruma's; UNICODE_CHARACTER_CLASS makes \s Unicode as well.
     */
    public static final Pattern GPT2_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    /**
     * The Split regex of Qwen2's tokenizer.json (Qwen2.5 pre_tokenizer: Split(this, Isolated), then
     * ByteLevel without its own regex), exactly as that file spells it; llama.cpp's pre-tokenizer "qwen2".
     */
    public static final String QWEN2_SPLIT_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|"
            + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final char[] BYTE_TO_CHAR = new char[256];
    /** The 256 symbols in GPT-2's order (printable bytes first), which is also the order of their ids. */
    private static final char[] ALPHABET = new char[256];

    static {
        boolean[] printable = new boolean[256];
        int k = 0;
        for (int b = 0; b < 256; b++) {
            if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
                printable[b] = true;
                BYTE_TO_CHAR[b] = (char) b;
                ALPHABET[k++] = (char) b;
            }
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!printable[b]) {
                BYTE_TO_CHAR[b] = (char) (256 + n++);
                ALPHABET[k++] = BYTE_TO_CHAR[b];
            }
        }
    }

    private ByteLevel() {
    }

    /** The symbol of byte {@code b} (0..255). */
    public static char symbol(int b) {
        return BYTE_TO_CHAR[b & 0xff];
    }

    /** Symbol with id {@code i} of the base vocabulary (0..255). */
    public static char alphabet(int i) {
        return ALPHABET[i];
    }

    /** The UTF-8 bytes of {@code text} as byte-level symbols. */
    public static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xff];
        }
        return new String(out);
    }
}
