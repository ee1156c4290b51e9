package dev.sam.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one read-only answer to "which version is active, which is the canary and with what share of
 * requests, and where are a version's adapters and base model", for everything that reads deployed
 * versions: {@code sam generate --version}, {@code sam eval VERSION}, the evaluator's comparison with
 * the active version, {@code sam serve}'s routing, and sam-deploy's own operations (whose
 * {@code VersionState} is this catalog plus the changes an operation makes). Only sam-deploy writes
 * versions.json and current.txt ({@code Activation}); this reads one snapshot of them.
 *
 * <p>The active version is the one versions.json marks {@code active}: the state is committed there in one
 * atomic write; current.txt and the {@code active} symlink follow it, and {@code sam verify --repair}
 * realigns them.
 *
 * <pre>VersionCatalog c = VersionCatalog.read(home); Path a = c.adapters(c.require("v1.0.3"));</pre>
 */
public final class VersionCatalog {
    /** The name of a deployed version: v, then three numbers. */
    private static final Pattern VERSION = Pattern.compile("v\\d+\\.\\d+\\.\\d+");
    /** What commands taking a version accept for the active one. */
    public static final String ACTIVE = "active";
    /** A version's adapters directory inside versions/vX.Y.Z. */
    public static final String ADAPTERS = "adapters";

    private final SamHome home;
    private final List<ModelVersion> versions;

    public VersionCatalog(SamHome home, List<ModelVersion> versions) {
        this.home = home;
        this.versions = List.copyOf(versions);
    }

    /** One snapshot of versions.json. */
    public static VersionCatalog read(SamHome home) {
        return new VersionCatalog(home, new VersionsFile(home).read());
    }

    /** The active version of a history (the rule sam-deploy's VersionState applies to the history it changes). */
    public static Optional<ModelVersion> activeOf(List<ModelVersion> versions) {
        return versions.stream().filter(v -> v.status() == VersionStatus.ACTIVE).findFirst();
    }

    /** The canary of a history, if one runs. */
    public static Optional<ModelVersion> canaryOf(List<ModelVersion> versions) {
        return versions.stream().filter(v -> v.status() == VersionStatus.CANARY).findFirst();
    }

    /**
     * What {@code sam rollback} (without a version) re-activates: the retired version that was activated
     * most recently. Rolled-back versions are skipped (they were rolled back for a reason; they can still
     * be named). Empty without an active version. {@code sam status}'s rollback_available is this rule,
     * so it is true exactly when {@code sam rollback} would act.
     */
    public static Optional<ModelVersion> rollbackTarget(List<ModelVersion> versions) {
        if (activeOf(versions).isEmpty()) {
            return Optional.empty();
        }
        return versions.stream()
                .filter(v -> v.status() == VersionStatus.RETIRED && v.deployedAt() != null)
                .max(java.util.Comparator.comparing(ModelVersion::deployedAt)
                        .thenComparing(ModelVersion::version, NAME_ORDER));
    }

    /** Numeric order of version names (v1.0.10 after v1.0.9); names that do not parse sort first, by name. */
    public static final java.util.Comparator<String> NAME_ORDER = java.util.Comparator
            .comparing(VersionCatalog::isVersion)
            .thenComparing(VersionCatalog::numbers, java.util.Arrays::compare)
            .thenComparing(java.util.Comparator.naturalOrder());

    private static long[] numbers(String v) {
        long[] n = new long[3];
        if (isVersion(v)) {
            String[] p = v.substring(1).split("\\.");
            for (int i = 0; i < 3; i++) {
                n[i] = p[i].length() > 18 ? Long.MAX_VALUE : Long.parseLong(p[i]);
            }
        }
        return n;
    }

    /** versions/vX.Y.Z/adapters, the directory sam-deploy installs a version's adapters into. */
    public static Path installedAdapters(SamHome home, String version) {
        return home.versionDir(version).resolve(ADAPTERS);
    }

    /**
     * What changes whenever sam-deploy commits a new state: versions.json's modification time, size and
     * file key (every commit is an atomic rename, so the inode changes too). Readers that keep a catalog
     * (sam serve) re-read it when this differs.
     */
    public static Object stamp(SamHome home) {
        try {
            BasicFileAttributes a = Files.readAttributes(home.versionsJson(), BasicFileAttributes.class);
            return List.of(a.lastModifiedTime().toMillis(), a.size(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return "absent";
        }
    }

    /** True for a deployed version's name such as v1.2.3 (what commands taking RUN|VERSION tell apart). */
    public static boolean isVersion(String name) {
        return name != null && VERSION.matcher(name).matches();
    }

    /** The history, oldest first. */
    public List<ModelVersion> versions() {
        return versions;
    }

    public Optional<ModelVersion> active() {
        return activeOf(versions);
    }

    public Optional<ModelVersion> canary() {
        return canaryOf(versions);
    }

    /** The canary's share of requests in percent; 0 without a canary. */
    public int canaryShare() {
        return canary().map(ModelVersion::canaryTraffic).orElse(0);
    }

    public Optional<ModelVersion> find(String version) {
        return versions.stream().filter(v -> v.version().equals(version)).findFirst();
    }

    /** A version by name, or "active" for the active one; a SamException saying what exists otherwise. */
    public ModelVersion require(String versionOrActive) {
        if (ACTIVE.equals(versionOrActive)) {
            return active().orElseThrow(() -> SamException.failure("no active version", "deploy one with `sam deploy`"));
        }
        if (!isVersion(versionOrActive)) {
            throw SamException.usage("a version must look like v1.2.3 or be 'active', got '" + versionOrActive + "'",
                    null);
        }
        return find(versionOrActive).orElseThrow(() -> SamException.failure("no version " + versionOrActive + " in "
                + home.versionsJson(), "list versions with `sam list`"));
    }

    /** Where a version's adapters are (see {@link #adaptersOf}). */
    public Path adapters(ModelVersion v) {
        return adaptersOf(home, v);
    }

    /**
     * Where a version's adapters are. versions.json records {@code adapter_path} relative to its own
     * directory ({@code v1.0.3/adapters}), so a copied or moved home (or model volume) finds its own copy.
     * Older files hold absolute paths: one ending in {@code <version>/adapters} whose copy this home has
     * reads this home's copy (the file came along with a copied home); any other absolute path is used
     * as it is. Without a recorded path: versions/vX.Y.Z/adapters.
     */
    public static Path adaptersOf(SamHome home, ModelVersion v) {
        Path installed = installedAdapters(home, v.version());
        if (v.adapterPath() == null || v.adapterPath().isBlank()) {
            return installed;
        }
        Path recorded = Path.of(v.adapterPath());
        if (!recorded.isAbsolute()) {
            return home.versionsDir().resolve(recorded).normalize();
        }
        boolean sameLayout = recorded.getNameCount() >= 2 && recorded.endsWith(Path.of(v.version(), ADAPTERS));
        return sameLayout && !recorded.equals(installed) && Files.isDirectory(installed) ? installed : recorded;
    }

    /** What versions.json records for adapters at {@code adapters}: relative to versions/ when inside it. */
    public static String recordedPath(SamHome home, Path adapters) {
        Path abs = adapters.toAbsolutePath().normalize();
        return abs.startsWith(home.versionsDir()) ? home.versionsDir().relativize(abs).toString() : abs.toString();
    }

    /**
     * The adapters of {@code v} after checking that they are the files deployed: the SHA-256 directory
     * checksum ({@link Checksums}) must be the one versions.json recorded at deploy. Whatever loads a version
     * to generate with (sam serve, sam generate, export) asks this, so a changed or damaged adapter is never
     * served. A version without a recorded checksum (made before checksums existed) is not checked.
     *
     * @throws SamException (failure) naming the version and how to repair or roll back
     */
    public Path verifiedAdapters(ModelVersion v) {
        Path dir = adapters(v);
        if (v.checksum() == null) {
            return dir;
        }
        String now;
        try {
            now = Checksums.of(dir).checksum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw SamException.failure("cannot read the adapters of " + v.version() + " (" + dir + "): " + e.getMessage(),
                    "run `sam verify` to see what is wrong with the version store");
        }
        if (!now.equals(v.checksum())) {
            throw SamException.failure(v.version() + "'s adapters in " + dir + " are not the ones deployed: their SHA-256"
                    + " checksum is " + now.substring(0, 12) + "…, versions.json recorded " + v.checksum().substring(0,
                    Math.min(12, v.checksum().length())) + "…; refusing to load them",
                    "`sam verify` names the changed file; roll back to the previous version with `sam rollback`"
                            + (v.trainingRunId() == null ? "" : ", or deploy its run again with `sam deploy "
                            + v.trainingRunId() + "`"));
        }
        return dir;
    }


    /**
     * The base model a version was trained on: as recorded in versions.json, else the {@code model} of its
     * adapter_config.json (mlx-lm's key), else null (the caller's configured default applies).
     */
    public String baseModel(ModelVersion v) {
        if (v.baseModel() != null) {
            return v.baseModel();
        }
        Path config = adapters(v).resolve("adapter_config.json");
        if (!Files.isRegularFile(config)) {
            return null;
        }
        try {
            JsonNode model = Json.mapper().readTree(config.toFile()).get("model");
            return model != null && model.isTextual() ? model.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
