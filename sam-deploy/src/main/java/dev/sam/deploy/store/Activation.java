package dev.sam.deploy.store;

import dev.sam.core.home.SamHome;
import dev.sam.core.io.Faults;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.store.Database;
import dev.sam.core.store.VersionRepository;
import dev.sam.core.store.VersionsFile;
import dev.sam.core.store.EventRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a new state of the version store in the one order that makes every crash recoverable
 * (docs/formats.md, "Version store"):
 * <ol>
 *   <li>{@code versions.json} — the commit point: one atomic rename holds the whole state (who is
 *       active, who is canary, every status). Before it, the old state is in force; after it, the new.</li>
 *   <li>{@code current.txt} (temp + rename), derived from versions.json;</li>
 *   <li>with an external model volume, its mirror in the local store ({@link VolumeMirror#pull});</li>
 *   <li>the {@code sam-brain-lora/adapters} symlink (temp link + rename), derived;</li>
 *   <li>the SQLite {@code versions} table, a mirror of versions.json.</li>
 * </ol>
 * A crash between 1 and 4 leaves derived pointers one state behind; {@code sam verify --repair}
 * rewrites them from versions.json, and so does the next deploy, rollback or promote. For the same
 * reason a sam.db that another process keeps locked past the busy timeout (SQLITE_BUSY) does not fail
 * an operation whose versions.json is already written: the change is live, so the operation succeeds
 * with a warning note that the mirror (and its event) lag until {@code sam verify --repair}.
 * Callers hold the deploy lock. Fault points: {@code <op>.after-versions-json}, {@code .after-current},
 * {@code .before-link-rename}, {@code .after-symlink}, {@code .after-db}.
 *
 * <pre>new Activation(home, db).commit(newState, "rollback");</pre>
 */
public final class Activation {
    private static final Logger LOG = LoggerFactory.getLogger(Activation.class);
    private final SamHome home;
    private final Database db;

    public Activation(SamHome home, Database db) {
        this.home = home;
        this.db = db;
    }

    /** Commits {@code state} (the whole list, in history order); returns notes for the user. */
    public List<String> commit(List<ModelVersion> state, String op) {
        ModelVersion active = check(state);
        List<String> notes = new ArrayList<>();
        VersionsFile vf = new VersionsFile(home);
        vf.write(state);
        Faults.point(op + ".after-versions-json");
        if (active != null) {
            vf.writeCurrent(active.version());
            Faults.point(op + ".after-current");
        }
        if (home.models().external()) {
            notes.addAll(new VolumeMirror(home).pull());
        }
        if (active != null) {
            new ActiveLink(home).pointTo(new VersionStore(home).linkTarget(active.version()), op).ifPresent(notes::add);
            Faults.point(op + ".after-symlink");
        }
        afterCommit(() -> new VersionRepository(db).replaceAll(state), "its versions table", op).ifPresent(notes::add);
        Faults.point(op + ".after-db");
        return notes;
    }

    /**
     * Records the committed operation's event in sam.db; like the mirror, a locked database costs a
     * warning note (returned), not the operation. The event is written to sam.log either way.
     */
    public Optional<String> event(String kind, String version, String runId, String message, Map<String, ?> data) {
        LOG.info("event {} {}: {}", kind, version, message);
        return afterCommit(() -> new EventRepository(db).record(kind, version, runId, message, data),
                "the '" + kind + "' event (it is in logs/sam.log)", kind);
    }

    /** Runs a sam.db write that follows the commit; busy database: a warning note instead of a failure. */
    private Optional<String> afterCommit(Runnable write, String what, String op) {
        try {
            write.run();
            return Optional.empty();
        } catch (RuntimeException e) {
            if (!Database.isBusy(e)) {
                throw e;
            }
            LOG.warn("{}: sam.db busy after the commit; {} not written", op, what, e);
            return Optional.of("warning: the change is live (versions.json is written), but " + db.file()
                    + " was locked by another process for longer than the busy timeout, so " + what
                    + " was not updated; `sam verify --repair` reconciles sam.db with versions.json");
        }
    }

    /** The invariants every committed state has: one active version (if any exist), at most one canary. */
    static ModelVersion check(List<ModelVersion> state) {
        List<ModelVersion> active = state.stream().filter(v -> v.status() == VersionStatus.ACTIVE).toList();
        long canaries = state.stream().filter(v -> v.status() == VersionStatus.CANARY).count();
        long distinct = state.stream().map(ModelVersion::version).distinct().count();
        if ((!state.isEmpty() && active.size() != 1) || canaries > 1 || distinct != state.size()) {
            throw new IllegalStateException("refusing to commit an inconsistent version state: " + active.size()
                    + " active, " + canaries + " canary, " + (state.size() - distinct) + " duplicate names");
        }
        return active.isEmpty() ? null : active.get(0);
    }
}
