package dev.sam.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** A small client of a running sam serve for tests (java.net.http). */
final class Api {
    final String base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Api(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A response with its body parsed as JSON when it is JSON (else null). */
    record Resp(int status, HttpResponse<String> raw, JsonNode json) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String body() {
            return raw.body();
        }
    }

    Resp get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Resp post(String path, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    Resp chat(String content, boolean stream) throws IOException, InterruptedException {
        return post("/v1/chat/completions", "{\"model\":\"sam\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + Json.write(content) + "}]}", null);
    }

    Resp send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            json = Json.mapper().readTree(r.body());
        }
        return new Resp(r.statusCode(), r, json);
    }

    /** The JSON payloads of an SSE body, without the final [DONE]. */
    static List<JsonNode> events(String sse) throws IOException {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String block : sse.split("\n\n")) {
            if (block.startsWith("data: ") && !block.equals("data: [DONE]")) {
                out.add(Json.mapper().readTree(block.substring(6)));
            }
        }
        return out;
    }
}
