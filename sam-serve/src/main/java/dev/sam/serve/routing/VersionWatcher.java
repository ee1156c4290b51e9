package dev.sam.serve.routing;

import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.store.VersionsFile;
import dev.sam.deploy.VersionState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link ServedVersions} in step with the version store: a deploy, promote, canary change or
 * rollback done by the CLI while the server runs takes effect on the next request, without a restart.
 * It looks at versions.json and current.txt (modification time, size and inode — every change is an
 * atomic rename, so the inode always changes) at most every {@code pollMillis}, and re-reads them
 * only when they changed. A versions.json that cannot be read keeps the last good state (and logs why).
 *
 * <pre>Served v = watcher.current().active();</pre>
 */
public final class VersionWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(VersionWatcher.class);

    private final SamHome home;
    private final SamConfig config;
    private final long pollNanos;
    private volatile ServedVersions current;
    private volatile List<Object> signature;
    private volatile long checkedAt;

    public VersionWatcher(SamHome home, SamConfig config, long pollMillis) {
        this.home = home;
        this.config = config;
        this.pollNanos = pollMillis * 1_000_000L;
        reload();
    }

    /** The versions to serve; re-read when the files changed since the last look. */
    public ServedVersions current() {
        long now = System.nanoTime();
        if (now - checkedAt >= pollNanos) {
            synchronized (this) {
                if (now - checkedAt >= pollNanos) {
                    checkedAt = now;
                    if (!Objects.equals(signature(), signature)) {
                        reload();
                    }
                }
            }
        }
        return current;
    }

    /** Re-reads the store now (after a change this process made). */
    public synchronized ServedVersions reload() {
        List<Object> sig = signature();
        try {
            ServedVersions next = ServedVersions.of(VersionState.read(new VersionsFile(home)), home, config);
            if (current == null || !next.equals(current)) {
                LOG.info("serving {}", next.describe());
            }
            current = next;
        } catch (RuntimeException e) {
            if (current == null) {
                throw e;
            }
            LOG.warn("keeping {}: cannot read the version store: {}", current.describe(), e.getMessage());
        }
        signature = sig;
        checkedAt = System.nanoTime();
        return current;
    }

    private List<Object> signature() {
        return List.of(stat(home.versionsJson()), stat(home.currentTxt()));
    }

    private static Object stat(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return List.of(a.lastModifiedTime().toMillis(), a.size(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return "absent";
        }
    }
}
