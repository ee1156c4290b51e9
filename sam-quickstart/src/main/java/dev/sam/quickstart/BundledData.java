package dev.sam.quickstart;

import dev.sam.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The inputs the quickstart ships with, as a new user's machine would have them:
 * <ul>
 * <li>{@code sessions.jsonl} — a dozen captured assistant sessions in {@code sam distill import}'s format,
 *     among them an error correction (weighted highest, and a DPO pair) and an explicit preference pair;</li>
 * <li>{@code routing-log-1.jsonl} and {@code routing-log-2.jsonl} — an orchestrator's task-routing log
 *     ({@code {"task","route","outcome"}}, the original pipeline's routing source), in two parts: the
 *     second is the "new activity" collected before the second training run. Six handlers (coder,
 *     debugger, writer, tester, committer, operator) from the start, and in the second part a seventh,
 *     "reviewer", for code reviews — something the first run cannot know and the second can learn. Tasks
 *     come from templates over 45 components; about 1 in 17 tasks was first routed wrongly and logged as
 *     a failure before the right route succeeded.</li>
 * </ul>
 *
 * <pre>String text = BundledData.text(BundledData.SESSIONS);</pre>
 */
public final class BundledData {
    public static final String SESSIONS = "sessions.jsonl";
    public static final String ROUTING_1 = "routing-log-1.jsonl";
    public static final String ROUTING_2 = "routing-log-2.jsonl";
    /** The handler names of the routing log. */
    public static final List<String> HANDLERS = List.of("coder", "debugger", "writer", "tester", "committer",
            "operator", "reviewer");
    /** The handler that appears only in the log's second part (code reviews). */
    public static final String NEW_HANDLER = "reviewer";

    private BundledData() {
    }

    public static String text(String name) {
        try (InputStream in = BundledData.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from sam-quickstart");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One routing log entry. */
    public record Route(String task, String route, String outcome) {
    }

    public static List<Route> routes(String name) {
        List<Route> out = new ArrayList<>();
        for (String line : text(name).split("\n")) {
            if (!line.isBlank()) {
                try {
                    out.add(Json.mapper().readValue(line, Route.class));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    /**
     * Every text of the bundled inputs (tasks, handler names, prompts, answers): part of the corpus of the
     * quickstart model's tokenizer, so that a handler name is one token.
     */
    public static List<String> corpus() {
        List<String> out = new ArrayList<>();
        for (String log : List.of(ROUTING_1, ROUTING_2)) {
            for (Route r : routes(log)) {
                out.add(r.task() + "\n" + r.route() + "\n");
            }
        }
        for (String line : text(SESSIONS).split("\n")) {
            if (!line.isBlank()) {
                try {
                    Json.mapper().readTree(line).fields().forEachRemaining(e -> {
                        if (e.getValue().isTextual()) {
                            out.add(e.getValue().asText());
                        }
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }
}
