package dev.sam.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `sam serve` as a real process: start on a free port, answer, refuse without token, stop on SIGTERM with exit 0. */
class ServeCliTest {
    @TempDir
    Path tmp;

    /** Starts `sam serve --port 0 --json` and waits for its start JSON (the URL). */
    static JsonNode awaitStart(CliRunner.Running r) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            String out = Files.readString(r.stdout());
            if (out.trim().endsWith("}")) {
                return Json.mapper().readTree(out);
            }
            if (!r.process().isAlive()) {
                throw new AssertionError("sam serve ended: " + Files.readString(r.stderr()));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("sam serve did not start: " + Files.readString(r.stderr()));
    }

    /** One client for all requests: it reuses its connections (a client per request would leave each open). */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesUntilSigtermThenExitsZeroWithMetricsWritten() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        CliRunner cli = new CliRunner(home);
        CliRunner.Running r = cli.start("serve", "--port", "0", "--json");
        try {
            JsonNode info = awaitStart(r);
            String url = info.get("url").asText();
            assertTrue(url.startsWith("http://127.0.0.1:"), info.toString());
            Path token = Path.of(info.get("token_file").asText());
            assertEquals(home.resolve("api_token").toAbsolutePath(), token);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));

            HttpResponse<String> self = send(HttpRequest.newBuilder(URI.create(url + "/api/self")));
            assertEquals(200, self.statusCode());
            JsonNode j = Json.mapper().readTree(self.body());
            assertTrue(j.get("success").asBoolean());
            assertTrue(j.has("training_stats"));

            HttpResponse<String> noToken = send(HttpRequest.newBuilder(URI.create(url + "/api/train"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertEquals(401, noToken.statusCode());
            assertEquals("{\"success\":false", noToken.body().substring(0, 16));
        } finally {
            r.process().destroy(); // SIGTERM
        }
        assertTrue(r.process().waitFor(60, TimeUnit.SECONDS), "stopped on SIGTERM");
        CliRunner.Result done = r.await(1);
        assertEquals(0, done.exitCode(), done.toString());
        assertTrue(done.stderr().contains("stopped; 2 request(s) recorded"), done.stderr());

        CliRunner.Result stats = cli.run("stats", "--json");
        assertEquals(0, stats.exitCode(), stats.toString());
        JsonNode req = Json.mapper().readTree(stats.stdout()).get("requests");
        assertEquals("api", req.get(0).get("version").asText());
        assertEquals(2, req.get(0).get("requests").asInt());
        assertEquals(1, req.get(0).get("errors").asInt(), "the 401");
    }

    @Test
    void refusesANonLoopbackAddressAndBadPorts() throws Exception {
        CliRunner cli = new CliRunner(Files.createDirectories(tmp.resolve("home")));
        CliRunner.Result r = cli.run("serve", "--host", "0.0.0.0");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("refusing to listen on 0.0.0.0"), r.stderr());
        assertTrue(r.stderr().contains("--allow-remote"), r.stderr());
        r = cli.run("serve", "--port", "70000");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("--port must be 0..65535"), r.stderr());
        r = cli.run("serve", "--allow-host", "*.example.com");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("--allow-host '*.example.com' is not a host name"), r.stderr());
    }
}
