package dev.sam.serve.api;

import dev.sam.core.status.StatusService;
import dev.sam.core.store.RunRepository;
import dev.sam.serve.http.Handler;
import dev.sam.serve.http.HttpCall;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/training}: the pipeline status ({@code sam status}) and the training run going on
 * now — its run row, the latest line of its metrics.jsonl (step, loss, …) — or else the latest run;
 * plus the last run this server started through POST /api/train (pid, exit code, output files).
 */
public final class TrainingHandler implements Handler {
    private final ServeState state;
    private final TrainLauncher launcher;

    public TrainingHandler(ServeState state, TrainLauncher launcher) {
        this.state = state;
        this.launcher = launcher;
    }

    @Override
    public void handle(HttpCall call) throws Exception {
        Optional<TrainLock.Holder> running = launcher.running();
        RunRepository runs = new RunRepository(state.db());
        String runId = running.map(TrainLock.Holder::runId)
                .orElseGet(() -> runs.latest().map(r -> r.runId()).orElse(null));
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("running", running.isPresent());
        training.put("holder", running.map(TrainLock.Holder::text).orElse(null));
        training.put("run_id", runId);
        training.put("run", runId == null ? null : runs.find(runId).orElse(null));
        training.put("progress", runId == null ? null
                : RunProgress.lastLine(state.home().runDir(runId).resolve("metrics.jsonl")));
        training.put("started_here", launcher.lastChild().map(TrainingHandler::child).orElse(null));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("status", new StatusService(state.home(), state.config(), state.db()).status());
        body.put("training", training);
        call.respond(200, body);
    }

    private static Map<String, Object> child(TrainLauncher.Child c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", c.process().pid());
        m.put("command", "sam " + c.verb());
        m.put("started_at", c.startedAt());
        m.put("alive", c.process().isAlive());
        m.put("exit_code", c.process().isAlive() ? null : c.process().exitValue());
        m.put("output", c.output().toString());
        m.put("log", c.log().toString());
        return m;
    }
}
