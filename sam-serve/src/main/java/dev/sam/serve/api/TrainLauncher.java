package dev.sam.serve.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.Times;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.store.Database;
import dev.sam.core.store.RunRepository;
import dev.sam.core.model.TrainingRun;
import dev.sam.serve.http.ApiError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts {@code sam train} / {@code sam force} for {@code POST /api/train} as a child process of the
 * same SAM installation (same java, classpath and SAM_HOME), so that a crash in the native trainer
 * cannot take the server down, and the run goes on if the server stops. Its JSON result goes to
 * {@code SAM_HOME/logs/api-train-<time>.json}, its messages to {@code …​.log}. One child at a time.
 *
 * <pre>Launch l = launcher.launch(false);   // 409-worthy: launcher.running()</pre>
 */
public final class TrainLauncher {
    private final SamHome home;
    private final Database db;
    private final List<String> samCommand;
    private final long waitMillis;
    private Child child;

    /**
     * @param samCommand the command that runs {@code sam} (e.g. java -cp … dev.sam.cli.Main)
     * @param waitMillis how long a launch waits for the run to be recorded (or refused)
     */
    public TrainLauncher(SamHome home, Database db, List<String> samCommand, long waitMillis) {
        this.home = home;
        this.db = db;
        this.samCommand = List.copyOf(samCommand);
        this.waitMillis = waitMillis;
    }

    /** A child this server started. */
    public record Child(Process process, String verb, String startedAt, String runIdFloor, Path output, Path log) {
    }

    /**
     * The outcome of a launch.
     *
     * @param state    "running", "finished" (exit 0 within the wait) or "failed"
     * @param result   the child's JSON result or error ({@code --json}), when it ended within the wait
     */
    public record Launch(String state, long pid, String verb, String runId, Integer exitCode, JsonNode result,
                         String output, String log) {
    }

    /** The training run going on now (ours or anyone's), if any. */
    public synchronized Optional<TrainLock.Holder> running() {
        if (child != null && child.process().isAlive()) {
            TrainLock.Holder h = TrainLock.line(home.lockFile("train")).filter(x -> x.pid() == child.process().pid())
                    .orElse(null);
            String runId = h != null && h.runId() != null ? h.runId() : runSince(child.runIdFloor());
            return Optional.of(new TrainLock.Holder(child.process().pid(), h == null ? "starting: sam " + child.verb()
                    : h.text(), runId));
        }
        return TrainLock.holder(home.lockFile("train"));
    }

    /** Starts the child; the caller has checked {@link #running()} under the same lock of this object. */
    public synchronized Launch launch(boolean force) throws IOException, InterruptedException {
        if (samCommand.isEmpty()) {
            throw ApiError.unavailable("this server was started without a way to run `sam train`"
                    + " (embedded use); run `sam train` in a terminal");
        }
        String verb = force ? "force" : "train";
        String stamp = Times.runId(java.time.Clock.systemDefaultZone());
        Path output = home.logsDir().resolve("api-train-" + stamp + ".json");
        Path log = home.logsDir().resolve("api-train-" + stamp + ".log");
        Files.createDirectories(home.logsDir());
        List<String> cmd = new ArrayList<>(samCommand);
        cmd.addAll(List.of("--sam-home", home.root().toString(), "--json", verb));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(output.toFile()).redirectError(log.toFile());
        pb.environment().put(SamHome.ENV_HOME, home.root().toString());
        Process p = pb.start();
        p.getOutputStream().close();
        child = new Child(p, verb, Times.now(), stamp, output, log);
        // The runner takes the lock first, then checks the data (threshold, base model) and records the run:
        // the run row is the sign that it really trains; an early refusal ends the child within the wait.
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        String runId = null;
        while (System.nanoTime() < deadline) {
            if (p.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                int code = p.exitValue();
                return new Launch(code == 0 ? "finished" : "failed", p.pid(), verb, runId != null ? runId
                        : runSince(stamp), code, readJson(output), output.toString(), log.toString());
            }
            Optional<TrainLock.Holder> h = TrainLock.line(home.lockFile("train")).filter(x -> x.pid() == p.pid());
            if (h.isPresent() && h.get().runId() != null) {
                runId = h.get().runId();
                if (new RunRepository(db).find(runId).isPresent()) {
                    break;
                }
            }
        }
        return new Launch("running", p.pid(), verb, runId != null ? runId : runSince(stamp), null, null,
                output.toString(), log.toString());
    }

    /** The last child this server started, if any. */
    public synchronized Optional<Child> lastChild() {
        return Optional.ofNullable(child);
    }

    /** The newest run whose id is not older than {@code floor} (a run started after the launch), or null. */
    private String runSince(String floor) {
        return new RunRepository(db).latest().map(TrainingRun::runId).filter(id -> id.compareTo(floor) >= 0)
                .orElse(null);
    }

    private static JsonNode readJson(Path file) {
        try {
            String s = Files.readString(file).trim();
            return s.isEmpty() ? null : Json.mapper().readTree(s);
        } catch (IOException e) {
            return null;
        }
    }
}
