package dev.sam.serve.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.serve.http.ApiError;
import dev.sam.serve.http.Handler;
import dev.sam.serve.http.HttpCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/train} (bearer token): starts a training run in the background like {@code sam train},
 * or like {@code sam force} with {@code {"force": true}}. 409 with the running run's id when one is
 * going on; 202 with the child's pid and run id once it runs; if the child ends at once (e.g. below
 * the sample threshold, exit 3) its own error and hint are returned (409 for "not ready", else 500).
 */
public final class TrainHandler implements Handler {
    private final TrainLauncher launcher;

    public TrainHandler(TrainLauncher launcher) {
        this.launcher = launcher;
    }

    @Override
    public void handle(HttpCall call) throws Exception {
        JsonNode body = call.jsonBody();
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("force")) {
                unknown.add(f);
            }
        }
        if (!unknown.isEmpty()) {
            throw ApiError.badRequest("unknown field(s) " + unknown + " (POST /api/train accepts {\"force\": true|false})");
        }
        JsonNode force = body.path("force");
        if (!force.isMissingNode() && !force.isNull() && !force.isBoolean()) {
            throw ApiError.badRequest("'force' must be true or false, got " + force);
        }
        TrainLauncher.Launch l;
        synchronized (launcher) {
            Optional<TrainLock.Holder> running = launcher.running();
            if (running.isPresent()) {
                Map<String, Object> d = new HashMap<>();
                d.put("run_id", running.get().runId());
                d.put("holder", running.get().text());
                throw new ApiError(409, "a training run is already going on ("
                        + (running.get().runId() != null ? "run " + running.get().runId() : running.get().text())
                        + "); see GET /api/training", null, d);
            }
            l = launcher.launch(force.asBoolean(false));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        boolean failed = l.state().equals("failed");
        out.put("success", !failed);
        if (failed) {
            JsonNode r = l.result();
            out.put("error", r != null && r.hasNonNull("error") ? r.get("error").asText()
                    : "sam " + l.verb() + " exited with code " + l.exitCode() + " (see " + l.log() + ")");
            if (r != null && r.hasNonNull("hint")) {
                out.put("hint", r.get("hint").asText());
            }
        }
        out.put("state", l.state());
        out.put("command", "sam " + l.verb());
        out.put("pid", l.pid());
        out.put("run_id", l.runId());
        out.put("exit_code", l.exitCode());
        out.put("result", failed ? null : l.result());
        out.put("output", l.output());
        out.put("log", l.log());
        int status = switch (l.state()) {
            case "running" -> 202;
            case "finished" -> 200;
            default -> l.exitCode() != null && l.exitCode() == 3 ? 409 : 500;
        };
        call.respond(status, out);
    }
}
