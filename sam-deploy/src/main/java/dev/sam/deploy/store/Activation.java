package dev.sam.deploy.store;

import dev.sam.core.home.SamHome;
import dev.sam.core.io.Faults;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.store.Database;
import dev.sam.core.store.VersionRepository;
import dev.sam.core.store.VersionsFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a new state of the version store in the one order that makes every crash recoverable
 * (docs/formats.md, "Version store"):
 * <ol>
 *   <li>{@code versions.json} — the commit point: one atomic rename holds the whole state (who is
 *       active, who is canary, every status). Before it, the old state is in force; after it, the new.</li>
 *   <li>{@code current.txt} (temp + rename), derived from versions.json;</li>
 *   <li>the {@code sam-brain-lora/adapters} symlink (temp link + rename), derived;</li>
 *   <li>the SQLite {@code versions} table, a mirror of versions.json.</li>
 * </ol>
 * A crash between 1 and 4 leaves derived pointers one state behind; {@code sam verify --repair}
 * rewrites them from versions.json, and so does the next deploy, rollback or promote.
 * Callers hold the deploy lock. Fault points: {@code <op>.after-versions-json}, {@code .after-current},
 * {@code .before-link-rename}, {@code .after-symlink}, {@code .after-db}.
 *
 * <pre>new Activation(home, db).commit(newState, "rollback");</pre>
 */
public final class Activation {
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
            new ActiveLink(home).pointTo(new VersionStore(home).adapters(active.version()), op).ifPresent(notes::add);
            Faults.point(op + ".after-symlink");
        }
        new VersionRepository(db).replaceAll(state);
        Faults.point(op + ".after-db");
        return notes;
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
