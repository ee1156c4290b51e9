package dev.sam.deploy;

import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.status.StatusService;
import dev.sam.core.store.VersionsFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The version history as read from versions.json (oldest first), with the lookups every operation
 * needs. Immutable: changes return a new state, which {@code Activation.commit} writes.
 */
public record VersionState(List<ModelVersion> versions) {

    public VersionState {
        versions = List.copyOf(versions);
    }

    public static VersionState read(VersionsFile file) {
        return new VersionState(file.read());
    }

    public Optional<ModelVersion> active() {
        return versions.stream().filter(v -> v.status() == VersionStatus.ACTIVE).findFirst();
    }

    public Optional<ModelVersion> canary() {
        return versions.stream().filter(v -> v.status() == VersionStatus.CANARY).findFirst();
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

    /** A canary's traffic share in percent, or null. */
    public static Integer traffic(ModelVersion v) {
        return v.metrics().get(StatusService.CANARY_TRAFFIC) instanceof Number n ? n.intValue() : null;
    }

    /** {@code v} without the canary traffic key (once it is no longer a canary). Status is unchanged. */
    static ModelVersion withoutTraffic(ModelVersion v) {
        Map<String, Object> m = new LinkedHashMap<>(v.metrics());
        m.remove(StatusService.CANARY_TRAFFIC);
        return new ModelVersion(v.version(), v.createdAt(), v.deployedAt(), v.status(), v.baseModel(), v.adapterPath(),
                v.trainingRunId(), v.trainingSamples(), m, v.checksum(), v.description());
    }
}
