package dev.sam.collect.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.collect.Collector;
import dev.sam.collect.Reasons;
import dev.sam.collect.SamplePipeline;
import dev.sam.collect.Source;
import dev.sam.collect.store.JsonlReader;
import dev.sam.core.SamException;
import dev.sam.core.json.Json;
import dev.sam.core.model.Sample;
import dev.sam.core.sample.SampleOrigin;
import dev.sam.core.progress.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Task-routing samples from routing logs (JSONL of {@code {"task", "route", "outcome"}}, as the original
 * orchestrator wrote them): a task whose route succeeded becomes "which handler should take this task?"
 * → route. Failed routes teach nothing about the right handler and are counted as failed_outcome. Each
 * log is read from the byte offset where the last run stopped; a log that shrank (rotated) is read anew.
 *
 * <pre>new RoutingSource(List.of(Path.of("routing.jsonl"))).collect(pipeline, progress);</pre>
 */
public final class RoutingSource implements Collector {
    static final String INSTRUCTION = "Route this task to the handler that should take it. Answer with the handler"
            + " name only.";
    private static final Set<String> SUCCESS = Set.of("success", "succeeded", "ok", "pass", "passed", "done",
            "completed", "good", "true", "resolved");
    private static final Set<String> FAILURE = Set.of("failure", "failed", "fail", "error", "bad", "false", "rerouted",
            "timeout", "rejected", "wrong");
    private static final int CHECKPOINT = 1000;
    private static final int SHOWN = 5;

    private final List<Path> logs;

    public RoutingSource(List<Path> logs) {
        this.logs = logs;
    }

    @Override
    public void collect(SamplePipeline p, ProgressListener progress) {
        for (Path log : logs) {
            try {
                collect(log, p, progress);
            } catch (IOException e) {
                throw SamException.failure("cannot read the routing log " + log + ": " + e.getMessage(),
                        "check its permissions; samples collected so far are kept");
            }
        }
    }

    private void collect(Path log, SamplePipeline p, ProgressListener progress) throws IOException {
        String key = log.toAbsolutePath().normalize().toString();
        String cursor = p.store().cursor(Source.ROUTING, key);
        long size = Files.size(log);
        long from = cursor == null ? 0 : Long.parseLong(cursor);
        if (from > size) {
            p.note(Source.ROUTING, log + " is shorter than when it was last read (rotated?); reading it from the start");
            from = 0;
        }
        // a last line without a newline may still be being written: it is read next time
        long done = Math.max(from, lastNewline(log, size));
        progress.start("routing " + log.getFileName(), done - from);
        List<String> problems = new ArrayList<>();
        long base = from;
        long[] count = {0};
        JsonlReader.read(log, from, done, (no, text, end) -> {
            if (text != null && text.isBlank()) {
                return;
            }
            p.scanned(Source.ROUTING, 1);
            String reason = line(p, text);
            if (reason != null && problems.size() < SHOWN && !reason.equals(Reasons.FAILED_OUTCOME)) {
                problems.add("line " + no + (base > 0 ? " (after byte " + base + ")" : "") + ": " + reason);
            }
            if (++count[0] % CHECKPOINT == 0) {
                p.cursor(Source.ROUTING, key, Long.toString(end));
                p.checkpoint();
                progress.update(end - base, null);
            }
        });
        p.cursor(Source.ROUTING, key, Long.toString(done));
        p.checkpoint();
        if (!problems.isEmpty()) {
            p.note(Source.ROUTING, log.getFileName() + ": " + String.join("; ", problems));
        }
        progress.finish(null);
    }

    /** Offers the sample of one log line; returns why it was refused, or null. */
    private static String line(SamplePipeline p, String text) {
        if (text == null) {
            p.reject(Source.ROUTING, Reasons.INVALID_UTF8);
            return "not valid UTF-8";
        }
        JsonNode n;
        try {
            n = Json.mapper().readTree(text);
        } catch (IOException e) {
            p.reject(Source.ROUTING, Reasons.INVALID_JSON);
            return "invalid JSON";
        }
        if (n == null || !n.isObject() || !n.path("task").isTextual() || !n.path("route").isTextual()
                || n.path("task").asText().isBlank() || n.path("route").asText().isBlank() || !n.has("outcome")) {
            p.reject(Source.ROUTING, Reasons.MISSING_FIELD);
            return "needs \"task\" and \"route\" strings and an \"outcome\"";
        }
        String outcome = n.get("outcome").asText().strip().toLowerCase(Locale.ROOT);
        if (FAILURE.contains(outcome)) {
            p.reject(Source.ROUTING, Reasons.FAILED_OUTCOME);
            return Reasons.FAILED_OUTCOME;
        }
        if (!SUCCESS.contains(outcome)) {
            p.reject(Source.ROUTING, Reasons.MISSING_FIELD);
            return "unknown outcome '" + outcome + "' (use success or failure)";
        }
        String task = n.get("task").asText().strip();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("task_type", "routing");
        double quality = task.split("\\s+").length >= 5 ? 0.7 : 0.5;
        p.offer(Source.ROUTING, Sample.alpaca(null, null, quality, null, INSTRUCTION, task,
                n.get("route").asText().strip(), meta).withOrigin(SampleOrigin.routing(task)));
        return null;
    }

    /** The offset just after the last newline (0 when there is none). */
    private static long lastNewline(Path log, long size) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(log)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8192);
            for (long pos = size; pos > 0; ) {
                int n = (int) Math.min(b.capacity(), pos);
                b.clear().limit(n);
                ch.read(b, pos - n);
                for (int i = n - 1; i >= 0; i--) {
                    if (b.get(i) == '\n') {
                        return pos - n + i + 1;
                    }
                }
                pos -= n;
            }
        }
        return 0;
    }
}
