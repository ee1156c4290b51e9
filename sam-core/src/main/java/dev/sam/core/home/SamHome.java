package dev.sam.core.home;

import dev.sam.core.SamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Every path of SAM's data home (docs/formats.md, "SAM_HOME layout"). Nothing else in SAM builds a path under SAM_HOME.
 * Model versions live under {@link #versionsDir()}, which is on the external volume when one is
 * configured and mounted ({@link ModelsLocation}), else under {@code SAM_HOME/models}.
 *
 * <pre>SamHome home = SamHome.resolve(null, System.getenv()).withModels(config.models().primary(), System.getenv());</pre>
 */
public record SamHome(Path root, ModelsLocation models) {

    public static final String ENV_HOME = dev.sam.core.config.SamEnvironment.HOME.name();
    public static final String ENV_MODELS = dev.sam.core.config.SamEnvironment.MODELS_DIR.name();
    public static final String[] SOURCES = {"commits", "code_patterns", "knowledge", "routing", "distillation"};

    /** flag (may be null) > $SAM_HOME > ~/.sam. Does not create anything. */
    public static SamHome resolve(Path flag, Map<String, String> env) {
        Path root;
        if (flag != null) {
            root = flag;
        } else if (env.get(ENV_HOME) != null && !env.get(ENV_HOME).isBlank()) {
            root = Path.of(env.get(ENV_HOME));
        } else {
            root = Path.of(System.getProperty("user.home"), ".sam");
        }
        return of(root);
    }

    /** A home with the local model store. */
    public static SamHome of(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        return new SamHome(abs, ModelsLocation.local(abs.resolve("models")));
    }

    /** This home with versions on the external volume ($SAM_MODELS_DIR, else config) when usable. */
    public SamHome withModels(String configuredPrimary, Map<String, String> env) {
        String primary = env.getOrDefault(ENV_MODELS, configuredPrimary);
        return new SamHome(root, ModelsLocation.choose(primary, root.resolve("models")));
    }

    /** Creates the directories every command expects; fails with a clear message when it cannot. */
    public SamHome ensureLayout() {
        try {
            Files.createDirectories(root);
            for (String s : SOURCES) {
                Files.createDirectories(sourceDir(s));
            }
            Files.createDirectories(trainingLogs());
            Files.createDirectories(runsDir());
            Files.createDirectories(baseModelsDir());
            Files.createDirectories(versionsDir());
            Files.createDirectories(logsDir());
            Files.createDirectories(locksDir());
        } catch (java.io.IOException e) {
            throw SamException.failure("cannot create the SAM data home at " + root + ": " + e,
                    "set SAM_HOME (or --sam-home) to a writable directory");
        }
        return this;
    }

    // ---- data
    public Path trainingData() {
        return root.resolve("training_data");
    }

    public Path sourceDir(String source) {
        return trainingData().resolve(source);
    }

    public Path manifest() {
        return trainingData().resolve("manifest.json");
    }

    /**
     * DPO preference pairs ({@code {"prompt","chosen","rejected"}}, TRL's convention). Kept outside the
     * source directories so that readers of {@code <source>/*.jsonl} never mistake them for samples.
     */
    public Path preferencePairs() {
        return trainingData().resolve("dpo").resolve("preference_pairs.jsonl");
    }

    /** sam-collect's record of the batch being appended (present only while, or after a crash during, a write). */
    public Path collectJournal() {
        return trainingData().resolve(".collect-journal.json");
    }

    /** The plan of a one-time rewrite of stored samples (written once its new files are staged). */
    public Path dataMigrationJournal() {
        return trainingData().resolve(".migration.json");
    }

    /** Where a data migration stages its rewritten files (never read as training data). */
    public Path dataMigrationStaging() {
        return trainingData().resolve(".migration");
    }

    // ---- training
    public Path trainingLogs() {
        return root.resolve("training_logs");
    }

    public Path runsDir() {
        return root.resolve("runs");
    }

    public Path runDir(String runId) {
        return runsDir().resolve(runId);
    }

    // ---- evaluation
    public Path evalDir() {
        return root.resolve("eval");
    }

    /** The frozen benchmark slice every version is compared on (written at first use, replaced on request). */
    public Path benchmarkSlice() {
        return evalDir().resolve("benchmark_slice.json");
    }

    /** One line per evaluation: the numbers of each candidate, base and active version on the slice. */
    public Path evalHistory() {
        return evalDir().resolve("history.jsonl");
    }

    // ---- models
    public Path modelsDir() {
        return root.resolve("models");
    }

    public Path baseModelsDir() {
        return modelsDir().resolve("base");
    }

    public Path baseModel(String name) {
        return baseModelsDir().resolve(name);
    }

    /** The symlink that always points at the active version's adapters. */
    public Path activeAdapters() {
        return modelsDir().resolve("sam-brain-lora").resolve("adapters");
    }

    /** Where {@code sam model fuse} writes a version's fused model when no --out is given. */
    public Path fusedModel() {
        return modelsDir().resolve("sam-brain-fused");
    }

    /** Where {@code sam import peft} writes converted adapters when no --out is given. */
    public Path importedAdapters(String name) {
        return modelsDir().resolve("imported").resolve(name);
    }

    public Path versionsDir() {
        return models.dir().resolve("versions");
    }

    /**
     * This home's local version store ({@code SAM_HOME/models/versions}): the store itself without an
     * external volume, else the volume's mirror (and the fallback while the volume is away).
     */
    public SamHome local() {
        return models.external() ? new SamHome(root, ModelsLocation.local(modelsDir())) : this;
    }

    public Path versionsJson() {
        return versionsDir().resolve("versions.json");
    }

    public Path currentTxt() {
        return versionsDir().resolve("current.txt");
    }

    public Path versionDir(String version) {
        return versionsDir().resolve(version);
    }

    // ---- state
    /** The page of {@code sam data report --html} when no file is named. */
    public Path dataReportHtml() {
        return root.resolve("reports").resolve("data-report.html");
    }

    /** Measured training speed of this machine per model and profile (see sam-train's SpeedProbe). */
    public Path trainSpeedCache() {
        return root.resolve("cache").resolve("train-speed.json");
    }

    /**
     * Base-model losses of training samples for {@code training.curriculum: loss}, one file per base model
     * and data version (fingerprint of the tokenized data): scored once, reused by later runs on that data.
     */
    public Path curriculumScores(String baseModel, String dataFingerprint) {
        return root.resolve("cache").resolve("curriculum").resolve(baseModel.replaceAll("[^A-Za-z0-9._-]", "_"))
                .resolve(dataFingerprint + ".json");
    }

    public Path database() {
        return root.resolve("sam.db");
    }

    public Path configFile() {
        return root.resolve("config.yaml");
    }

    public Path logsDir() {
        return root.resolve("logs");
    }

    public Path locksDir() {
        return root.resolve("locks");
    }

    public Path lockFile(String name) {
        return locksDir().resolve(name + ".lock");
    }

    /** {@code sam cycle}'s state: the data of the last blessed run, a run between bless and canary, the last outcome. */
    public Path cycleState() {
        return root.resolve("cycle").resolve("state.json");
    }

    /** One line per step of every {@code sam cycle}, for the user reading what happened overnight. */
    public Path cycleLog() {
        return logsDir().resolve("cycle.log");
    }

    public Path apiToken() {
        return root.resolve("api_token");
    }
}
