package dev.sam.core.split;

import dev.sam.core.model.ChatMessage;
import dev.sam.core.sample.SampleOrigin;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The one train/validation rule of SAM, used by training, evaluation and {@code sam data export}: a
 * sample is held out when the SHA-256 of its <em>origin key</em> (the commit, file+symbol, doc
 * file+section, session or routing task it was made from) falls in the lowest {@code validFraction} of the
 * hash space. So every sample made from one origin lands on the same side (an "implement" and a
 * "document" sample of one function can no longer sit on both sides and leak), and because the side is a
 * function of the key alone, an origin keeps its side forever as data grows or is re-collected — the
 * grouped, stable split of scikit-learn's {@code GroupShuffleSplit} made deterministic by hashing, as in
 * TensorFlow Extended's hash-bucket splits. A sample without an origin is its own group, keyed by its
 * normalized content ({@link #origin}).
 *
 * <p>Only when the hash rule leaves one side empty (a handful of origins) does {@link #split} move the
 * origin nearest the cut over, and says so ({@link Result#adjusted()}); {@link #isHeldOut} never does, so
 * only origins it holds out are ever frozen into a benchmark slice.
 *
 * <pre>OriginSplit.Result&lt;TrainingRecord&gt; s = OriginSplit.standard().split(records, TrainingRecord::origin);</pre>
 */
public final class OriginSplit {
    /** The held-out share of training (90/10, the original pipeline's split). */
    public static final double STANDARD_FRACTION = 0.1;

    private static final String CONTENT = "content:";

    private final double validFraction;

    public OriginSplit(double validFraction) {
        if (!(validFraction > 0 && validFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + validFraction);
        }
        this.validFraction = validFraction;
    }

    public static OriginSplit standard() {
        return new OriginSplit(STANDARD_FRACTION);
    }

    public double validFraction() {
        return validFraction;
    }

    /** Both sides, each in input order; {@code adjusted}: one origin was moved so that neither side is empty. */
    public record Result<T>(List<T> train, List<T> valid, boolean adjusted) {
    }

    /** Whether samples of this origin key are held out: a function of the key alone. */
    public boolean isHeldOut(String originKey) {
        // the top 53 bits of the hash as a fraction in [0, 1)
        return (hash(originKey) >>> 11) * 0x1.0p-53 < validFraction;
    }

    /** Splits {@code items} by the origin key {@code key} gives each. */
    public <T> Result<T> split(List<T> items, Function<T, String> key) {
        Map<String, Boolean> side = new LinkedHashMap<>();
        for (T t : items) {
            side.computeIfAbsent(key.apply(t), this::isHeldOut);
        }
        boolean adjusted = false;
        boolean anyValid = side.containsValue(true);
        boolean anyTrain = side.containsValue(false);
        if (side.size() >= 2 && !(anyValid && anyTrain)) {
            Comparator<String> byHash = Comparator.comparing(OriginSplit::hash, Long::compareUnsigned);
            String move = anyValid ? side.keySet().stream().max(byHash).orElseThrow()
                    : side.keySet().stream().min(byHash).orElseThrow();
            side.put(move, !anyValid);
            adjusted = true;
        }
        List<T> train = new ArrayList<>();
        List<T> valid = new ArrayList<>();
        for (T t : items) {
            (side.get(key.apply(t)) ? valid : train).add(t);
        }
        return new Result<>(List.copyOf(train), List.copyOf(valid), adjusted);
    }

    /**
     * First 8 bytes of SHA-256(key), big-endian. A content origin ({@code content:} + 16 hex digits, the first
     * 8 bytes of SHA-256 over the normalized content, {@link SampleOrigin#content}) is that hash itself: the
     * value SAM's split used before samples had origins, so such samples keep their side across the change.
     */
    public static long hash(String key) {
        if (key.length() == CONTENT.length() + 16 && key.startsWith(CONTENT)) {
            try {
                return Long.parseUnsignedLong(key.substring(CONTENT.length()), 16);
            } catch (NumberFormatException notHex) {
                // an origin that merely looks like one: hashed as any other
            }
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The origin key of a sample: the one it declares (or its collector's metadata gave it,
     * {@link SampleOrigin#of}), else one made from its normalized content ({@link SampleOrigin#content}), so
     * that a sample that says nothing about its origin is a group of its own and keeps its side.
     */
    public static String origin(String declared, List<ChatMessage> messages, String text) {
        return declared != null && !declared.isBlank() ? declared.strip()
                : SampleOrigin.content(contentKey(messages, text));
    }

    /**
     * The content that identifies a sample without an origin across re-collection: roles and texts,
     * Unicode NFC, whitespace runs collapsed, lower-cased; ids, timestamps and metadata left out
     * ({@code text}: an mlx-lm text record, scored as a whole).
     */
    public static String contentKey(List<ChatMessage> messages, String text) {
        if (text != null) {
            return "text\u0000" + normalize(text);
        }
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append(m.role()).append('\u0000').append(normalize(m.content())).append('\u0001');
        }
        return sb.toString();
    }

    private static String normalize(String s) {
        if (s == null) {
            return "";
        }
        return Normalizer.normalize(s, Normalizer.Form.NFC).strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
