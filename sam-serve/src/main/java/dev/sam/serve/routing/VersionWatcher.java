package dev.sam.serve.routing;

import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.store.VersionCatalog;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link ServedVersions} in step with the version store: a deploy, promote, canary change or
 * rollback done by the CLI while the server runs takes effect on the next request, without a restart.
 * Every deploy operation commits by one atomic write of versions.json, so that file is the one path by
 * which the server learns of them: it compares the catalog's {@link VersionCatalog#stamp} at most every
 * {@code pollMillis} and re-reads the {@link VersionCatalog} only when it changed. A versions.json that cannot be read keeps the last good state (and logs why).
 *
 * <pre>Served v = watcher.current().active();</pre>
 */
public final class VersionWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(VersionWatcher.class);

    private final SamHome home;
    private final SamConfig config;
    private final long pollNanos;
    private volatile ServedVersions current;
    private volatile Object signature;
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
                    if (!Objects.equals(VersionCatalog.stamp(home), signature)) {
                        reload();
                    }
                }
            }
        }
        return current;
    }

    /** Re-reads the store now (after a change this process made). */
    public synchronized ServedVersions reload() {
        Object sig = VersionCatalog.stamp(home);
        try {
            ServedVersions next = ServedVersions.of(VersionCatalog.read(home), home, config);
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

}
