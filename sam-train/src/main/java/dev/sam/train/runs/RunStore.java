package dev.sam.train.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.core.model.RunStatus;
import dev.sam.core.model.TrainingRun;
import dev.sam.core.store.Database;
import dev.sam.core.store.RunRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where runs are recorded: the {@code runs} table of sam.db (via {@link RunRepository}) and, for humans
 * and other tools, {@code runs/<id>/run.json} (written atomically); plus the run's effective settings
 * {@code runs/<id>/config.json}. Status changes go through {@link TrainingRun#withStatus}, so an
 * illegal transition (e.g. completed → training) is refused.
 *
 * <pre>TrainingRun r = store.save(run.withStatus(RunStatus.TRAINING, null, null));</pre>
 */
public final class RunStore {
    public static final String RUN_JSON = "run.json";
    public static final String CONFIG_JSON = "config.json";

    private final SamHome home;
    private final RunRepository runs;

    public RunStore(SamHome home, Database db) {
        this.home = home;
        this.runs = new RunRepository(db);
    }

    /** Writes the run to sam.db and run.json; returns it. */
    public TrainingRun save(TrainingRun r) {
        runs.save(r);
        write(home.runDir(r.runId()).resolve(RUN_JSON), r);
        return r;
    }

    /** The run in a new status (end time now for completed/failed), saved. */
    public TrainingRun transition(TrainingRun r, RunStatus to, String error) {
        String end = to == RunStatus.COMPLETED || to == RunStatus.FAILED ? dev.sam.core.Times.now() : null;
        return save(r.withStatus(to, end, error));
    }

    public Optional<TrainingRun> find(String runId) {
        return runs.find(runId);
    }

    /** The run, or a SamException saying it does not exist and how to list runs. */
    public TrainingRun require(String runId) {
        checkId(runId);
        return runs.find(runId).orElseThrow(() -> SamException.failure("no training run " + runId
                + " (not in " + home.database() + ")", "list runs with `sam models`"));
    }

    /** All runs, newest first. */
    public List<TrainingRun> list() {
        return runs.list();
    }

    public void writePlan(RunPlan p) {
        write(home.runDir(p.runId()).resolve(CONFIG_JSON), p);
    }

    /** The saved effective settings of a run. */
    public RunPlan readPlan(String runId) {
        Path f = home.runDir(runId).resolve(CONFIG_JSON);
        try {
            return Json.mapper().readValue(Files.readAllBytes(f), RunPlan.class);
        } catch (NoSuchFileException e) {
            throw SamException.failure("run " + runId + " has no " + f, "the run did not get far enough to be resumed;"
                    + " start a new one with `sam train`");
        } catch (JsonProcessingException e) {
            throw SamException.failure(f + " is not a valid run configuration: " + e.getOriginalMessage(),
                    "start a new run with `sam train`");
        } catch (IOException e) {
            throw SamException.failure("cannot read " + f + ": " + e.getMessage(), "check its permissions");
        }
    }

    /**
     * The runs that {@code runs/<id>/run.json} records but sam.db does not (a lost or replaced sam.db),
     * oldest first; a run.json that cannot be read is named in {@code problems} and skipped.
     */
    public List<TrainingRun> unrecorded(List<String> problems) {
        List<TrainingRun> out = new java.util.ArrayList<>();
        if (!Files.isDirectory(home.runsDir())) {
            return out;
        }
        try (var dirs = Files.list(home.runsDir())) {
            for (Path d : dirs.sorted().toList()) {
                Path f = d.resolve(RUN_JSON);
                if (!Files.isRegularFile(f)) {
                    continue;
                }
                try {
                    TrainingRun r = Json.mapper().readValue(Files.readAllBytes(f), TrainingRun.class);
                    if (!d.getFileName().toString().equals(r.runId())) {
                        problems.add(f + " names run " + r.runId() + ", not its directory's");
                    } else if (runs.find(r.runId()).isEmpty()) {
                        out.add(r);
                    }
                } catch (IOException | RuntimeException e) {
                    problems.add(f + " cannot be read: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            problems.add("cannot list " + home.runsDir() + ": " + e.getMessage());
        }
        return out;
    }

    /** Records runs read back from their run.json in sam.db (what {@code sam verify --repair} restores). */
    public void restore(List<TrainingRun> fromFiles) {
        fromFiles.forEach(runs::save);
    }

    /** Is {@code id} free for a new run (no row, no directory)? */
    public boolean free(String id) {
        return runs.find(id).isEmpty() && !Files.exists(home.runDir(id));
    }

    /** A usage error unless {@code id} looks like a run id (no path tricks). */
    public static void checkId(String id) {
        if (id == null || !id.matches("[0-9A-Za-z_-]{1,64}")) {
            throw SamException.usage("bad run id '" + id + "'", "run ids look like 20260125_100000 (`sam models`)");
        }
    }

    private static void write(Path f, Object value) {
        try {
            AtomicFiles.writeJson(f, value);
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "cannot write " + f + ": " + e.getMessage(),
                    "check free disk space and permissions of SAM_HOME", e);
        }
    }

    /** Metrics map helper: the run with {@code more} merged in and saved. */
    public TrainingRun merge(TrainingRun r, Map<String, ?> more) {
        return save(r.withMetrics(more));
    }
}
