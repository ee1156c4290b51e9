package dev.sam.core.sample;

import dev.sam.core.model.Sample;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code origin} key of a sample: what it was made from, so that samples of one commit, one symbol,
 * one doc section, one assistant session or one routing task can be kept on the same side of a
 * train/validation split (two samples of one function on both sides would leak the answer). Collectors
 * set it through the factories here; lines written before the key existed get one derived from their
 * {@code meta} by {@link #of}, and lines with neither fall back to their content
 * ({@code docs/formats.md}, "origin").
 *
 * <pre>Sample s = candidate.withOrigin(SampleOrigin.commit("app", "9a1e…"));</pre>
 */
public final class SampleOrigin {
    private SampleOrigin() {
    }

    /** One commit of one repository. */
    public static String commit(String repo, String sha) {
        return "commit:" + repo + "@" + sha;
    }

    /** One symbol (function, class) of one file: "implement" and "document" samples of it share it. */
    public static String code(String repo, String path, String symbol) {
        return "code:" + repo + "/" + path + "#" + symbol;
    }

    /** One section (its heading path, or the file's introduction when empty) of one documentation file. */
    public static String doc(String project, String file, String section) {
        return "doc:" + project + "/" + file + (section == null || section.isEmpty() ? "" : "#" + section);
    }

    /** One assistant session; a capture without a session is its own origin. */
    public static String session(String sessionId, long captureId) {
        return sessionId != null && !sessionId.isBlank() ? "session:" + sessionId : "capture:" + captureId;
    }

    /** One routing task, by its normalized text (case and whitespace do not make a new task). */
    public static String routing(String task) {
        return "routing:" + hash(task.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT));
    }

    /** The last resort: the sample's normalized content, so re-collection keeps it in place. */
    public static String content(String normalizedContent) {
        return "content:" + hash(normalizedContent);
    }

    /**
     * The declared origin, or one derived from the metadata each collector has always written (see
     * docs/formats.md); null when neither says anything.
     */
    public static String of(Sample s) {
        if (s.origin() != null && !s.origin().isBlank()) {
            return s.origin();
        }
        Map<String, Object> m = s.meta() == null ? Map.of() : s.meta();
        if (m.get("commit") != null) {
            return commit(str(m.get("repo")), str(m.get("commit")));
        }
        if (m.get("path") != null && m.get("name") != null) {
            return code(str(m.get("repo")), str(m.get("path")), str(m.get("name")));
        }
        if (m.get("file") != null && m.get("project") != null) {
            return doc(str(m.get("project")), str(m.get("file")), (String) m.get("section"));
        }
        if (m.get("session_id") != null || m.get("capture_id") instanceof Number) {
            Object id = m.get("capture_id");
            return session((String) m.get("session_id"), id instanceof Number n ? n.longValue() : -1);
        }
        if ("routing".equals(m.get("task_type")) && s.input() != null) {
            return routing(s.input());
        }
        return null;
    }

    private static String str(Object o) {
        return String.valueOf(o);
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
