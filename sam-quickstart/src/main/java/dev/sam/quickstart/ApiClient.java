package dev.sam.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Real HTTP requests to a running {@code sam serve}, as any OpenAI client would send them: chat
 * completions (plain and streamed with server-sent events) and the status endpoints.
 *
 * <pre>Answer a = new ApiClient("http://127.0.0.1:8765").chat("canary split", task, false);</pre>
 */
final class ApiClient {
    /** The prompt of a routing sample: sam-collect's RoutingSource instruction, a blank line, the task. */
    static final String ROUTING_INSTRUCTION = "Route this task to the handler that should take it. Answer with the"
            + " handler name only.";
    private static final int MAX_TOKENS = 16;

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(String url) {
        this.url = url;
    }

    String url() {
        return url;
    }

    /** Asks the server to route {@code task}; the answer names the version that generated it. */
    Answer chat(String phase, BundledData.Route task, boolean stream) {
        Map<String, Object> body = Map.of("max_tokens", MAX_TOKENS, "stream", stream, "messages",
                List.of(Map.of("role", "user", "content", ROUTING_INSTRUCTION + "\n\n" + task.task())));
        HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
        long t0 = System.nanoTime();
        try {
            HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            String version = r.headers().firstValue("X-SAM-Version").orElse(null);
            String text;
            try (InputStream in = r.body()) {
                text = r.statusCode() != 200 ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        : stream ? events(in) : Json.mapper().readTree(in).at("/choices/0/message/content").asText();
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            return new Answer(phase, task.task(), task.route(), version, text, stream, r.statusCode(), ms);
        } catch (IOException e) {
            throw SamException.failure("request to " + url + "/v1/chat/completions failed: " + e.getMessage(),
                    "see " + "SAM_HOME/logs/sam.log of the quickstart home");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SamException(dev.sam.core.ExitCode.INTERRUPTED, "interrupted while waiting for sam serve", null);
        }
    }

    /** The text of a server-sent event stream of chat.completion.chunk objects, up to [DONE]. */
    private static String events(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        boolean done = false;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            String data = line.substring(6).strip();
            if (data.equals("[DONE]")) {
                done = true;
                break;
            }
            JsonNode chunk = Json.mapper().readTree(data);
            if (chunk.has("error")) {
                throw new IOException("the stream ended with an error: " + chunk.get("error"));
            }
            JsonNode piece = chunk.at("/choices/0/delta/content");
            if (piece.isTextual()) {
                text.append(piece.asText());
            }
        }
        if (!done) {
            throw new IOException("the event stream ended without [DONE]");
        }
        return text.toString();
    }

    /** GET {@code path} (e.g. /api/self) as JSON; fails on a status other than 200. */
    JsonNode get(String path) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw SamException.failure("GET " + path + " answered " + r.statusCode() + ": " + r.body(), null);
            }
            return Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw SamException.failure("GET " + url + path + " failed: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SamException(dev.sam.core.ExitCode.INTERRUPTED, "interrupted while waiting for sam serve", null);
        }
    }

    /**
     * Waits until the server serves {@code version} as the active one (it picks up versions.json changes
     * within a fraction of a second) and no canary unless {@code canary} names it.
     */
    void awaitServing(String version, String canary) {
        long deadline = System.currentTimeMillis() + 10_000;
        String seen = null;
        while (System.currentTimeMillis() < deadline) {
            JsonNode s = get("/api/self").at("/status/serving");
            String c = s.path("canary").isTextual() ? s.get("canary").asText() : null;
            seen = s.path("active").asText() + (c == null ? "" : " + canary " + c);
            if (s.path("active").asText().equals(version) && java.util.Objects.equals(c, canary)) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw SamException.failure("sam serve still serves " + seen + " 10 s after the change to " + version
                + (canary == null ? "" : " + canary " + canary), "the server should pick up versions.json changes "
                + "by itself; see SAM_HOME/logs/sam.log");
    }
}
