package dev.sam.deploy.store;

import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.io.Faults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The symlink {@code SAM_HOME/models/sam-brain-lora/adapters} that always points at the active
 * version's adapters (the original's "Update symlink"). It is switched atomically: a new link is made
 * under a temp name and renamed over the old one (rename(2) replaces a symlink in one step), so a
 * reader sees the old target or the new one. The target is relative when the versions live under
 * SAM_HOME/models (the home can be moved), absolute when they are on an external volume.
 *
 * <pre>new ActiveLink(home).pointTo(store.adapters("v1.0.3"), "deploy");</pre>
 */
public final class ActiveLink {
    static final String TMP_PREFIX = ".adapters-";

    private final SamHome home;

    public ActiveLink(SamHome home) {
        this.home = home;
    }

    public Path path() {
        return home.activeAdapters();
    }

    /** Where the link points (absolute, normalized), or empty when there is no link. */
    public Optional<Path> target() {
        Path link = path();
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        try {
            return Optional.of(link.getParent().resolve(Files.readSymbolicLink(link)).toAbsolutePath().normalize());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public boolean pointsTo(Path adapters) {
        Optional<Path> t = target();
        if (t.isEmpty()) {
            return false;
        }
        Path want = adapters.toAbsolutePath().normalize();
        if (t.get().equals(want)) {
            return true;
        }
        try {
            return Files.exists(want) && Files.exists(t.get()) && t.get().toRealPath().equals(want.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Points the link at {@code adapters}. A real directory in the link's place (a copy-style install
     * of the original tool) is moved aside, never deleted; the returned note says where to.
     * Fault point: {@code <op>.before-link-rename}.
     */
    public Optional<String> pointTo(Path adapters, String op) {
        Path link = path();
        Path dir = link.getParent();
        try {
            Files.createDirectories(dir);
            String note = null;
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(link)) {
                Path aside = dir.resolve(link.getFileName() + ".pre-sam-" + System.currentTimeMillis());
                Files.move(link, aside, StandardCopyOption.ATOMIC_MOVE);
                note = link + " was a real " + (Files.isDirectory(aside) ? "directory" : "file") + "; moved it to "
                        + aside + " and replaced it by the symlink";
            }
            Path abs = adapters.toAbsolutePath().normalize();
            Path linkTarget = abs.startsWith(home.modelsDir()) ? dir.relativize(abs) : abs;
            Path tmp = dir.resolve(TMP_PREFIX + Long.toHexString(System.nanoTime()) + ".tmp");
            Files.createSymbolicLink(tmp, linkTarget);
            Faults.point(op + ".before-link-rename");
            Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(dir);
            return Optional.ofNullable(note);
        } catch (IOException | UnsupportedOperationException e) {
            throw SamException.failure("cannot point " + link + " at " + adapters + ": " + e,
                    "check that the file system of " + dir + " supports symbolic links and is writable");
        }
    }

    /** Temp links left by an interrupted switch. */
    public java.util.List<Path> leftovers() {
        try (var s = Files.list(path().getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)).sorted().toList();
        } catch (IOException e) {
            return java.util.List.of();
        }
    }
}
