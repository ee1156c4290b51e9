package dev.sam.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * SHA-256 checksum of an adapter directory (docs/formats.md, "Version store"): for every regular file
 * under the directory, its path relative to the directory with '/' separators and the lower-case hex
 * SHA-256 of its bytes; the lines {@code <relpath>\0<hex>\n}, sorted by the UTF-8 bytes of relpath,
 * are concatenated and hashed with SHA-256. Symbolic links are not followed. In Python:
 * {@code sha256("".join(f"{p}\0{sha256(open(d/p,'rb').read()).hexdigest()}\n" for p in sorted(files)).encode())}.
 *
 * <pre>Checksums.Dir c = Checksums.of(versionDir.resolve("adapters"));</pre>
 */
public final class Checksums {
    /** Byte-wise UTF-8 order (= Python's code point order for str). */
    public static final Comparator<String> PATH_ORDER = (a, b) ->
            Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private Checksums() {
    }

    /** The directory checksum and the per-file hashes it was made of. */
    public record Dir(String checksum, SortedMap<String, String> files) {
    }

    public static Dir of(Path dir) throws IOException {
        SortedMap<String, String> files = new TreeMap<>(PATH_ORDER);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    files.put(relative(dir, p), file(p));
                }
            }
        }
        return new Dir(combine(files), files);
    }

    /** The directory checksum of precomputed per-file hashes. */
    public static String combine(Map<String, String> fileHashes) {
        SortedMap<String, String> sorted = new TreeMap<>(PATH_ORDER);
        sorted.putAll(fileHashes);
        MessageDigest md = sha256();
        sorted.forEach((path, hex) -> md.update((path + "\0" + hex + "\n").getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(md.digest());
    }

    public static String file(Path p) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * How {@code dir} differs from the recorded per-file hashes: "adapters.safetensors differs",
     * "x is missing", "y was added". Empty when it matches.
     */
    public static List<String> differences(Path dir, Map<String, String> recorded) throws IOException {
        Dir now = of(dir);
        List<String> out = new ArrayList<>();
        SortedMap<String, String> rec = new TreeMap<>(PATH_ORDER);
        rec.putAll(recorded);
        rec.forEach((path, hex) -> {
            String actual = now.files().get(path);
            if (actual == null) {
                out.add(path + " is missing");
            } else if (!actual.equals(hex)) {
                out.add(path + " differs (sha256 " + actual.substring(0, 12) + "…, recorded " + abbrev(hex) + "…)");
            }
        });
        now.files().keySet().stream().filter(p -> !rec.containsKey(p)).forEach(p -> out.add(p + " was added"));
        return out;
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String relative(Path dir, Path p) {
        List<String> parts = new ArrayList<>();
        dir.relativize(p).forEach(x -> parts.add(x.toString()));
        return String.join("/", parts);
    }

    private static String abbrev(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
