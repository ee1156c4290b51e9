package dev.sam.core.sample;

import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.Manifest;
import dev.sam.core.store.ManifestFile;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a reader of {@code training_data/} may read: sam-collect commits a batch by appending lines and
 * then writing manifest.json with the files' new lengths, and cuts an uncommitted tail off on its next
 * run. So a reader takes one manifest and reads each listed file only up to its committed length —
 * a train started during a collection never sees a batch that is later rolled back. A file the manifest
 * does not list (written by hand or by the old pipeline, or a collection's first batch not yet
 * committed) is read whole only while no collection runs: the reader then holds the collect lock until
 * it is closed, so none can start and append to it meanwhile.
 *
 * <pre>try (CommittedData c = CommittedData.open(home.trainingData(), home.lockFile(CommittedData.COLLECT_LOCK))) {
 *     long n = c.readable(file); ... }</pre>
 */
public final class CommittedData implements AutoCloseable {
    /** The lock every writer of training_data holds (sam collect, sam distill). */
    public static final String COLLECT_LOCK = "collect";
    /** {@link #readable}: the whole file. */
    public static final long WHOLE = -1;
    /** {@link #readable}: nothing, a running collection may still roll the file back. */
    public static final long UNCOMMITTED = -2;

    private final Path root;
    private final Manifest manifest;
    private final Path lockFile;
    private ProcessLock lock;
    private boolean collecting;

    private CommittedData(Path root, Manifest manifest, Path lockFile) {
        this.root = root;
        this.manifest = manifest;
        this.lockFile = lockFile;
    }

    /** Takes one manifest of {@code trainingData}; {@code lockFile} null when no collection can run (a copy). */
    public static CommittedData open(Path trainingData, Path lockFile) {
        return new CommittedData(trainingData, new ManifestFile(trainingData.resolve("manifest.json")).read(),
                lockFile);
    }

    /** How many bytes of {@code file} (under the training-data directory) may be read: a length, {@link #WHOLE} or {@link #UNCOMMITTED}. */
    public long readable(Path file) {
        Manifest.DataFile committed = manifest.files().get(relative(file));
        if (committed != null) {
            return committed.bytes();
        }
        return noCollection() ? WHOLE : UNCOMMITTED;
    }

    private boolean noCollection() {
        if (lockFile == null || lock != null) {
            return true;
        }
        if (collecting) {
            return false;
        }
        Optional<ProcessLock> l = ProcessLock.tryAcquire(lockFile, "reading training data");
        l.ifPresent(x -> lock = x);
        collecting = l.isEmpty();
        return !collecting;
    }

    private String relative(Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    @Override
    public void close() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }
}
