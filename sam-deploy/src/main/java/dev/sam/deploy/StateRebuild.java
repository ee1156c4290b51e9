package dev.sam.deploy;

import dev.sam.core.Times;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.store.VersionRepository;
import dev.sam.deploy.store.VersionChecksums;
import dev.sam.deploy.store.VersionNumbers;
import dev.sam.deploy.store.VersionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The repair logic of {@link StoreVerifier}: rebuilds a lost version history from sam.db's mirror and
 * the version directories, and brings a state back to the invariants (unique names, exactly one
 * active version, at most one canary) using only legal status transitions.
 */
final class StateRebuild {
    private final DeployContext ctx;
    private final VersionStore store;

    StateRebuild(DeployContext ctx, VersionStore store) {
        this.ctx = ctx;
        this.store = store;
    }

    /** A problem that normalization fixed in the returned state, and how. */
    record Fix(String problem, String action) {
    }

    record Normalized(VersionState state, List<Fix> fixes) {
    }

    /** sam.db's rows, plus a minimal record for every SAM-made directory the mirror lacks. */
    VersionState fromMirrorAndDirectories(String currentHint) {
        List<ModelVersion> out = new ArrayList<>(new VersionRepository(ctx.db()).list());
        Set<String> known = new HashSet<>();
        out.forEach(v -> known.add(v.version()));
        for (String d : store.directories()) {
            if (known.contains(d) || !store.madeBySam(d)) {
                continue;
            }
            try {
                VersionChecksums c = VersionChecksums.read(store.dir(d));
                String created = Times.now(Clock.fixed(Files.getLastModifiedTime(store.dir(d).resolve(
                        VersionChecksums.FILE)).toInstant(), ZoneId.systemDefault()));
                VersionStatus status = d.equals(currentHint) ? VersionStatus.ACTIVE : VersionStatus.RETIRED;
                out.add(new ModelVersion(d, created, status == VersionStatus.ACTIVE ? created : null, status, null,
                        dev.sam.core.store.VersionCatalog.recordedPath(ctx.home(), store.adapters(d)), null, 0, Map.of(), c.checksum(),
                        "recovered from its directory by sam verify --repair"));
            } catch (IOException e) {
                // unreadable checksums: not adopted; the verifier reports the directory
            }
        }
        out.sort(Comparator.comparing(ModelVersion::version, VersionNumbers.ORDER));
        return new VersionState(out);
    }

    Normalized normalize(VersionState in, String currentHint) {
        List<Fix> fixes = new ArrayList<>();
        List<ModelVersion> unique = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ModelVersion v : in.versions()) {
            if (seen.add(v.version())) {
                unique.add(v);
            } else {
                fixes.add(new Fix("versions.json lists " + v.version() + " twice", "kept its first entry"));
            }
        }
        VersionState s = new VersionState(unique);

        List<ModelVersion> actives = s.versions().stream().filter(v -> v.status() == VersionStatus.ACTIVE).toList();
        if (actives.size() > 1) {
            ModelVersion keep = actives.stream().filter(v -> v.version().equals(currentHint)).findFirst()
                    .orElse(actives.stream().max(Comparator.comparing(v -> v.deployedAt() == null ? "" : v.deployedAt()))
                            .orElseThrow());
            for (ModelVersion v : actives) {
                if (v != keep) {
                    s = s.with(v.withStatus(VersionStatus.RETIRED, null));
                }
            }
            fixes.add(new Fix(actives.size() + " versions are marked active", "kept " + keep.version()
                    + " active, retired the others"));
        }
        List<ModelVersion> canaries = s.versions().stream().filter(v -> v.status() == VersionStatus.CANARY).toList();
        if (canaries.size() > 1) {
            ModelVersion keep = canaries.stream().max(Comparator.comparing(ModelVersion::createdAt)).orElseThrow();
            for (ModelVersion v : canaries) {
                if (v != keep) {
                    s = s.with(v.withStatus(VersionStatus.ROLLED_BACK, null).withCanaryTraffic(null));
                }
            }
            fixes.add(new Fix(canaries.size() + " canaries are running", "kept " + keep.version()
                    + ", rolled back the others"));
        }
        if (!s.versions().isEmpty() && s.active().isEmpty()) {
            Optional<ModelVersion> pick = choose(s, currentHint);
            if (pick.isPresent()) {
                s = s.with(pick.get().withStatus(VersionStatus.ACTIVE, Times.now(ctx.clock())).withCanaryTraffic(null));
                fixes.add(new Fix("no version is marked active", "activated " + pick.get().version()
                        + (pick.get().version().equals(currentHint) ? " (named by current.txt)" : " (the most recently active intact version)")));
            }
        }
        return new Normalized(s, fixes);
    }

    /** current.txt's version if intact, else the most recently activated intact version. */
    private Optional<ModelVersion> choose(VersionState s, String currentHint) {
        VersionIntegrity integrity = new VersionIntegrity(store);
        Optional<ModelVersion> named = s.find(currentHint == null ? "" : currentHint);
        if (named.isPresent() && integrity.problems(named.get()).isEmpty()) {
            return named;
        }
        return s.versions().stream()
                .filter(v -> v.status() != VersionStatus.CANARY && integrity.problems(v).isEmpty())
                .max(Comparator.comparing((ModelVersion v) -> v.deployedAt() == null ? "" : v.deployedAt())
                        .thenComparing(ModelVersion::version, VersionNumbers.ORDER));
    }
}
