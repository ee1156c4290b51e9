package dev.sam.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.model.RunStatus;
import dev.sam.core.model.TrainingRun;
import dev.sam.core.store.RunRepository;
import dev.sam.train.adapters.AdapterFiles;
import dev.sam.train.adapters.Check;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the adapters come from: a SAM run ({@code --run RUN_ID}, or a path inside
 * {@code SAM_HOME/runs/<id>/}) with its TrainingRun and {@code eval.json}, or an external directory.
 * Runs must be blessed ({@code "blessed": true} in eval.json, docs/formats.md "eval.json") unless forced; external
 * adapters are gated by sanity and validation only.
 *
 * <pre>DeploySource s = DeploySource.resolve(home, db, request);</pre>
 *
 * @param run  null for external adapters, or when the run is not in sam.db
 * @param eval eval.json's content, null when absent
 */
public record DeploySource(Path adapters, String runId, TrainingRun run, Map<String, Object> eval, Path evalFile) {

    public static DeploySource resolve(SamHome home, dev.sam.core.store.Database db, DeployRequest r) {
        if ((r.path() == null) == (r.runId() == null)) {
            throw SamException.usage("give either an adapter PATH or --run RUN_ID", "e.g. `sam deploy --run 20260125_100000`");
        }
        String runId = r.runId();
        Path adapters;
        if (runId != null) {
            if (runId.isBlank() || runId.contains("/") || runId.contains("..")) {
                throw SamException.usage("bad run id '" + runId + "'", "run ids look like 20260125_100000 (`sam models`)");
            }
            adapters = home.runDir(runId).resolve("adapters");
        } else {
            adapters = r.path().toAbsolutePath().normalize();
            runId = runOf(home, adapters);
        }
        TrainingRun run = runId == null ? null : new RunRepository(db).find(runId).orElse(null);
        if (r.runId() != null) {
            if (run == null && !Files.isDirectory(home.runDir(runId))) {
                throw SamException.failure("no training run " + runId + " (neither in sam.db nor at "
                        + home.runDir(runId) + ")", "list runs with `sam models`, or deploy a PATH");
            }
            if (run != null && run.outputPath() != null && Files.isRegularFile(
                    Path.of(run.outputPath()).resolve(AdapterFiles.CONFIG))) {
                adapters = Path.of(run.outputPath());
            }
        }
        Path evalFile = runId == null ? null : home.runDir(runId).resolve("eval.json");
        return new DeploySource(adapters, runId, run, evalFile == null ? null : readEval(evalFile), evalFile);
    }

    /** The blessing gate as a check; failures become "waived" with --force. */
    public Check blessing(boolean force) {
        if (runId == null) {
            return Check.notRun("blessing", "external adapters, not from a SAM run: gated by sanity and validation only");
        }
        Check c;
        if (run != null && run.status() != RunStatus.COMPLETED) {
            c = Check.failed("blessing", "run " + runId + " is " + run.status().json(),
                    List.of("run " + runId + " did not complete (status " + run.status().json() + ")"));
        } else if (eval == null) {
            c = Check.failed("blessing", "run " + runId + " was not evaluated", List.of(evalFile + " is missing or "
                    + "unreadable; evaluate the run with `sam eval " + runId + "`, or deploy with --force"));
        } else if (!Boolean.TRUE.equals(eval.get("blessed"))) {
            Object why = eval.getOrDefault("reason", eval.get("verdict"));
            c = Check.failed("blessing", "run " + runId + " is not blessed", List.of("eval.json says blessed: "
                    + eval.get("blessed") + (why == null ? "" : " (" + why + ")") + "; deploy with --force to override"));
        } else {
            return Check.passed("blessing", "run " + runId + " is blessed (" + evalFile.getFileName() + ")");
        }
        return force ? c.waived("--force") : c;
    }

    /** Run metrics, then eval.json's top-level numbers and flags (eval is more specific). */
    public Map<String, Object> metrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (run != null) {
            m.putAll(run.metrics());
        }
        if (eval != null) {
            eval.forEach((k, v) -> {
                if (v instanceof Number || v instanceof Boolean) {
                    m.put(k, v);
                }
            });
        }
        return m;
    }

    private static String runOf(SamHome home, Path adapters) {
        Path runs = home.runsDir().toAbsolutePath().normalize();
        Path p = adapters;
        try {
            runs = runs.toRealPath();
            p = adapters.toRealPath();
        } catch (IOException e) {
            // not existing yet: compare the normalized paths
        }
        return p.startsWith(runs) && p.getNameCount() > runs.getNameCount()
                ? p.getName(runs.getNameCount()).toString() : null;
    }

    private static Map<String, Object> readEval(Path f) {
        try {
            JsonNode n = Json.mapper().readTree(f.toFile());
            if (n == null || !n.isObject()) {
                return null;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                JsonNode v = e.getValue();
                m.put(e.getKey(), v.isBoolean() ? v.asBoolean() : v.isIntegralNumber() ? (Object) v.asLong()
                        : v.isNumber() ? (Object) v.asDouble() : v.isTextual() ? v.asText() : v.toString());
            }
            return m;
        } catch (IOException e) {
            return null;
        }
    }
}
