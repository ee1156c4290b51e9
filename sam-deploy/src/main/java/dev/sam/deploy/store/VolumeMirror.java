package dev.sam.deploy.store;

import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.VersionsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keeps the local store ({@code SAM_HOME/models/versions}) a mirror of the external model volume's, so
 * the two are one store with one numbering (the original pipeline's volume + fallback were unrelated:
 * numbering restarted and the active symlink pointed into the other store after a mount change):
 * <ul>
 *   <li>{@link #pull}: after every commit on the volume, the versions it lacks locally are copied
 *       (staged directory + rename) and its versions.json and current.txt are copied over the local ones;</li>
 *   <li>{@link #sync}: when the volume comes back after the local fallback served alone, the versions
 *       deployed meanwhile (the local history is a strict continuation: it has every version of the
 *       volume's and was written later) are pushed to the volume the same way; any other difference is
 *       settled by pulling the volume's state, and local-only versions are then reported, not deleted.</li>
 * </ul>
 * The active symlink always points at the local copy ({@link VersionStore#linkTarget}). Callers hold
 * the deploy lock, except {@link #syncIfNeeded}, which takes it when there is something to do.
 *
 * <pre>new VolumeMirror(home).pull();</pre>
 */
public final class VolumeMirror {
    private final SamHome volume;
    private final SamHome local;

    public VolumeMirror(SamHome home) {
        this.volume = home;
        this.local = home.local();
    }

    /** When the volume is mounted and the mirror differs: takes the deploy lock and syncs; the notes say what moved. */
    @SuppressWarnings("try") // the lock is held for the block, not used in it
    public static List<String> syncIfNeeded(SamHome home) {
        if (!home.models().external() || inSync(home)) {
            return List.of();
        }
        try (ProcessLock lock = new VersionStore(home).lock("mirror the model volume")) {
            return new VolumeMirror(home).sync();
        }
    }

    /** The volume's and the local versions.json are equal and every recorded version has its local copy. */
    public static boolean inSync(SamHome home) {
        if (!home.models().external()) {
            return true;
        }
        SamHome local = home.local();
        try {
            byte[] v = Files.exists(home.versionsJson()) ? Files.readAllBytes(home.versionsJson()) : new byte[0];
            byte[] l = Files.exists(local.versionsJson()) ? Files.readAllBytes(local.versionsJson()) : new byte[0];
            if (!java.util.Arrays.equals(v, l)) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        return new VersionsFile(home).read().stream()
                .allMatch(x -> Files.isDirectory(local.versionDir(x.version())));
    }

    /** Volume → local: the versions the mirror lacks, then versions.json and current.txt. */
    public List<String> pull() {
        return copyState(volume, local);
    }

    /** Brings volume and mirror together (see the class comment); returns what was done or found. */
    public List<String> sync() {
        List<ModelVersion> vol = new VersionsFile(volume).read();
        List<ModelVersion> loc = new VersionsFile(local).read();
        Set<String> volNames = names(vol);
        Set<String> locNames = names(loc);
        boolean localAhead = !loc.equals(vol) && locNames.containsAll(volNames)
                && modified(local.versionsJson()) > modified(volume.versionsJson());
        if (localAhead) {
            List<String> notes = new ArrayList<>(copyState(local, volume));
            notes.add(0, "the model volume " + volume.models().dir() + " is back: copied the changes made on the"
                    + " local fallback to it");
            return notes;
        }
        List<String> notes = new ArrayList<>(copyState(volume, local));
        Set<String> orphans = locNames.stream().filter(n -> !volNames.contains(n)).collect(Collectors.toSet());
        if (!orphans.isEmpty()) {
            Path aside = detach(orphans);
            notes.add("warning: the local store also held " + String.join(", ", orphans.stream().sorted(
                    VersionNumbers.ORDER).toList()) + ", which the volume's history does not record (both changed"
                    + " while apart); moved to " + aside + " (nothing deleted; deploy one again with `sam deploy"
                    + " DIR/adapters` to bring it back)");
        }
        return notes;
    }

    /** Moves local-only version directories out of the store (never deletes them). */
    private Path detach(Set<String> versions) {
        Path aside = local.modelsDir().resolve("versions-detached").resolve(String.valueOf(System.currentTimeMillis()));
        try {
            Files.createDirectories(aside);
            for (String v : versions) {
                if (Files.exists(local.versionDir(v))) {
                    Files.move(local.versionDir(v), aside.resolve(v));
                }
            }
        } catch (IOException e) {
            throw SamException.failure("cannot move local-only versions to " + aside + ": " + e.getMessage(),
                    "check permissions of " + local.modelsDir());
        }
        return aside;
    }

    /** Copies the versions {@code to} lacks, then versions.json and current.txt; notes for what was copied. */
    private static List<String> copyState(SamHome from, SamHome to) {
        List<String> notes = new ArrayList<>();
        List<ModelVersion> state = new VersionsFile(from).read();
        try {
            Files.createDirectories(to.versionsDir());
            List<String> copied = new ArrayList<>();
            for (ModelVersion v : state) {
                Path src = from.versionDir(v.version());
                if (Files.isDirectory(src) && !Files.exists(to.versionDir(v.version()))) {
                    copyVersion(src, to);
                    copied.add(v.version());
                }
            }
            if (!copied.isEmpty()) {
                notes.add("copied " + String.join(", ", copied) + " to " + to.versionsDir());
            }
            if (Files.exists(from.versionsJson())) {
                AtomicFiles.writeString(to.versionsJson(), Files.readString(from.versionsJson()));
            }
            Optional<String> current = new VersionsFile(from).current();
            if (current.isPresent()) {
                new VersionsFile(to).writeCurrent(current.get());
            }
        } catch (IOException e) {
            throw SamException.failure("cannot mirror " + from.versionsDir() + " to " + to.versionsDir() + ": "
                    + e.getMessage(), "check free space and permissions of both; `sam verify --repair` retries");
        }
        return notes;
    }

    /** A staged copy renamed into place, so a version directory never exists half-copied under its name. */
    private static void copyVersion(Path src, SamHome to) throws IOException {
        Path tmp = to.versionsDir().resolve(VersionStore.TMP_PREFIX + src.getFileName() + "-"
                + HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(4).putInt((int) System.nanoTime()).array()));
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path t = tmp.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                    AtomicFiles.fsyncFile(t);
                }
            }
            Files.move(tmp, to.versionDir(src.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(to.versionsDir());
        } catch (IOException e) {
            VersionStore.deleteQuietly(tmp);
            throw e;
        }
    }

    private static Set<String> names(List<ModelVersion> l) {
        return l.stream().map(ModelVersion::version).collect(Collectors.toSet());
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE;
        }
    }
}
