package dev.sam.deploy.store;

import dev.sam.core.store.Checksums;
import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.io.Faults;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.VersionCatalog;
import dev.sam.core.store.VersionsFile;
import dev.sam.core.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The version directories under {@code versions/}: installing adapters as a new version so that a
 * version directory never exists half-copied under its final name (copy into
 * {@code .tmp-<version>-<random>/}, fsync every file and directory, write checksums.json, then one
 * atomic rename), finding leftovers of interrupted work, and the deploy lock.
 *
 * <pre>Checksums.Dir c = new VersionStore(home).install("v1.0.3", files.toCopy(), progress, "deploy");</pre>
 */
public final class VersionStore {
    public static final String ADAPTERS = VersionCatalog.ADAPTERS;
    static final String TMP_PREFIX = ".tmp-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SamHome home;

    public VersionStore(SamHome home) {
        this.home = home;
    }

    public VersionsFile file() {
        return new VersionsFile(home);
    }

    public Path dir(String version) {
        return home.versionDir(version);
    }

    /** Where {@link #install} puts a version's adapters ({@link VersionCatalog#installedAdapters}). */
    public Path adapters(String version) {
        return VersionCatalog.installedAdapters(home, version);
    }

    /**
     * Where the active symlink points for a version: its copy in the local store, which is the store
     * itself without a volume and the volume's mirror with one ({@link VolumeMirror}), so the link stays
     * valid when the volume is unmounted.
     */
    public Path linkTarget(String version) {
        return VersionCatalog.installedAdapters(home.local(), version);
    }

    /** Every writer of the store holds this lock, so concurrent deploys serialize with no lost update. */
    public ProcessLock lock(String holder) {
        return ProcessLock.acquire(home.lockFile("deploy"), holder);
    }

    /**
     * Copies {@code files} into {@code versions/<version>/adapters/} and returns their checksums.
     * Fault points: {@code <op>.before-copy}, {@code .mid-copy}, {@code .after-copy}, {@code .after-rename}.
     */
    public Checksums.Dir install(String version, List<Path> files, ProgressListener progress, String op) {
        Path target = dir(version);
        if (Files.exists(target)) {
            throw SamException.failure("version directory " + target + " already exists", "run `sam verify --repair`");
        }
        long total = 0;
        for (Path f : files) {
            total += size(f);
        }
        ensureSpace(total);
        Path tmp = home.versionsDir().resolve(TMP_PREFIX + version + "-" + HexFormat.of().formatHex(bytes(4)));
        try {
            Path adapters = Files.createDirectories(tmp.resolve(ADAPTERS));
            Faults.point(op + ".before-copy");
            progress.start("copy " + version, total);
            Map<String, String> sourceHashes = new TreeMap<>();
            long done = 0;
            for (Path f : files) {
                Path dst = adapters.resolve(f.getFileName().toString());
                sourceHashes.put(dst.getFileName().toString(), copy(f, dst, done, progress));
                done += size(f);
                Faults.point(op + ".mid-copy");
            }
            AtomicFiles.fsyncDirectory(adapters);
            Checksums.Dir sums = Checksums.of(adapters);
            if (!sums.files().equals(new TreeMap<>(sourceHashes))) {
                throw SamException.failure("the copy in " + tmp + " differs from the source files (disk error?)",
                        "check the disk, then deploy again");
            }
            VersionChecksums.of(sums).write(tmp);
            AtomicFiles.fsyncDirectory(tmp);
            progress.finish(files.size() + " files, " + Bytes.human(total));
            Faults.point(op + ".after-copy");
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(home.versionsDir());
            Faults.point(op + ".after-rename");
            return sums;
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw SamException.failure("cannot copy the adapters into " + target + ": " + e.getMessage(),
                    "check free space and permissions of " + home.versionsDir());
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /** Leftovers of interrupted work: .tmp-* version copies and temp files of atomic writes. */
    public List<Path> leftovers() {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(home.versionsDir())) {
            s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(TMP_PREFIX) || (n.startsWith(".") && n.endsWith(".tmp"));
            }).sorted().forEach(out::add);
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** Version directories on disk (names that look like versions, made by SAM or not). */
    public List<String> directories() {
        try (Stream<Path> s = Files.list(home.versionsDir())) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(VersionNumbers::valid).sorted(VersionNumbers.ORDER).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A directory SAM installed (it has checksums.json), as opposed to one made by hand. */
    public boolean madeBySam(String version) {
        return Files.isRegularFile(dir(version).resolve(VersionChecksums.FILE));
    }

    /** Deletes a file or directory tree; true when it is gone. */
    public static boolean deleteQuietly(Path p) {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(x);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String copy(Path src, Path dst, long before, ProgressListener progress) throws IOException {
        MessageDigest md = Checksums.sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(src), md);
             OutputStream out = Files.newOutputStream(dst, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[1 << 20];
            long done = before;
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                done += n;
                progress.update(done, dst.getFileName().toString());
            }
        }
        AtomicFiles.fsyncFile(dst);
        return HexFormat.of().formatHex(md.digest());
    }

    private void ensureSpace(long bytes) {
        try {
            long free = Files.getFileStore(home.versionsDir()).getUsableSpace();
            if (free < bytes + (bytes >> 4) + (1 << 20)) {
                throw SamException.failure("not enough space in " + home.versionsDir() + ": need "
                        + Bytes.human(bytes) + ", " + Bytes.human(free) + " free", "free some space (old versions "
                        + "can be removed by hand once they are no longer needed for rollback)");
            }
        } catch (IOException e) {
            // Unknown free space: let the copy itself report a full disk.
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw SamException.failure("cannot read " + f + ": " + e.getMessage(), null);
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
