package dev.sam.deploy;

import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.VersionCatalog;
import dev.sam.core.store.VersionsFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The version history as read from versions.json (oldest first), as the operations that change it see
 * it: the {@link VersionCatalog}'s rules (who is active, who is the canary) over a history that an
 * operation changes. Immutable: changes return a new state, which {@code Activation.commit} writes.
 */
public record VersionState(List<ModelVersion> versions) {

    public VersionState {
        versions = List.copyOf(versions);
    }

    public static VersionState read(VersionsFile file) {
        return new VersionState(file.read());
    }

    public Optional<ModelVersion> active() {
        return VersionCatalog.activeOf(versions);
    }

    public Optional<ModelVersion> canary() {
        return VersionCatalog.canaryOf(versions);
    }

    public Optional<ModelVersion> find(String version) {
        return versions.stream().filter(v -> v.version().equals(version)).findFirst();
    }

    public List<String> names() {
        return versions.stream().map(ModelVersion::version).toList();
    }

    /** The state with {@code v} replacing the version of the same name. */
    public VersionState with(ModelVersion v) {
        List<ModelVersion> l = new ArrayList<>();
        for (ModelVersion x : versions) {
            l.add(x.version().equals(v.version()) ? v : x);
        }
        return new VersionState(l);
    }

    /** The state with {@code v} appended. */
    public VersionState plus(ModelVersion v) {
        List<ModelVersion> l = new ArrayList<>(versions);
        l.add(v);
        return new VersionState(l);
    }

}
