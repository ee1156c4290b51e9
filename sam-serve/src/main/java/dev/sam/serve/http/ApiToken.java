package dev.sam.serve.http;

import dev.sam.core.SamException;
import dev.sam.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The bearer token of the mutating endpoints, kept in {@code SAM_HOME/api_token}. Created on the
 * first start as 32 random bytes in hex, in a file only its owner can read (mode 600, set when the
 * file is created, so it is never readable by others even for a moment); a file with looser
 * permissions is tightened and reported. Compared in constant time.
 *
 * <pre>ApiToken t = ApiToken.loadOrCreate(home.apiToken()); t.matches(presented);</pre>
 */
public final class ApiToken {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final byte[] token;
    private final boolean created;
    private final List<String> warnings;

    private ApiToken(Path file, String token, boolean created, List<String> warnings) {
        this.file = file;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.created = created;
        this.warnings = List.copyOf(warnings);
    }

    public static ApiToken loadOrCreate(Path file) {
        List<String> warnings = new ArrayList<>();
        try {
            boolean created = false;
            String token = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : "";
            if (token.isEmpty()) {
                if (Files.exists(file)) {
                    warnings.add(file + " was empty: wrote a new token");
                }
                create(file);
                token = Files.readString(file, StandardCharsets.UTF_8).trim();
                created = true;
            } else if (posix() && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                warnings.add(file + " had mode " + PosixFilePermissions.toString(Files.getPosixFilePermissions(file))
                        + ": set it to rw------- (only you may read the API token)");
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
            return new ApiToken(file, token, created, warnings);
        } catch (IOException e) {
            throw SamException.failure("cannot read or create the API token " + file + ": " + e.getMessage(),
                    "check that SAM_HOME is writable; delete the file to get a new token");
        }
    }

    /** Writes a new random token: a temp file created owner-only, fsynced, renamed into place. */
    private static void create(Path file) throws IOException {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        Path tmp = file.resolveSibling("." + file.getFileName() + "-" + HexFormat.of().formatHex(b, 0, 4) + ".tmp");
        if (posix()) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        Files.writeString(tmp, HexFormat.of().formatHex(b) + "\n", StandardCharsets.UTF_8);
        AtomicFiles.fsyncFile(tmp);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.fsyncDirectory(file.toAbsolutePath().getParent());
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** True when {@code presented} is the token (constant-time comparison). */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(token, presented.trim().getBytes(StandardCharsets.UTF_8));
    }

    public Path file() {
        return file;
    }

    /** True when this start wrote the file. */
    public boolean created() {
        return created;
    }

    public List<String> warnings() {
        return warnings;
    }
}
