package dev.sam.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.config.SamConfig;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that has its whole answer can count on the request being recorded: the auto-rollback monitor
 * and /api/metrics read the records right after. The recorder here is slow on purpose (300 ms); an
 * answer that went out before it ran (the JSON body written in the handler, or a stream closed there)
 * reaches the client with nothing recorded.
 */
class RecordedBeforeAnsweredTest {
    @TempDir
    Path tmp;

    @Test
    void jsonAndStreamedAnswersArriveAfterTheirRecord() throws Exception {
        AtomicInteger recorded = new AtomicInteger();
        Router router = new Router();
        SamConfig.Serve serve = SamConfig.defaults().serve();
        SamHttpServer server = SamHttpServer.start(InetAddress.getLoopbackAddress(), 0, router, serve, 2);
        try {
            router.open(List.of(
                    Route.get("/json", "json", call -> call.respond(200, Map.of("ok", true))),
                    Route.get("/stream", "stream", call -> {
                        try (OutputStream o = call.openStream(200, "text/plain")) {
                            o.write("one\n".getBytes(StandardCharsets.UTF_8));
                            o.flush();
                            o.write("two\n".getBytes(StandardCharsets.UTF_8));
                        }
                    })),
                    new RequestGuard(server.port(), "127.0.0.1", false, ApiToken.loadOrCreate(tmp.resolve("t")),
                            serve.maxBodyBytes()),
                    call -> {
                        try {
                            Thread.sleep(300);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        recorded.incrementAndGet();
                    });
            HttpClient client = HttpClient.newHttpClient();
            for (String path : List.of("/json", "/stream", "/json", "/stream")) {
                int before = recorded.get();
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(r.body().equals("one\ntwo\n") || r.body().contains("\"ok\":true"), r.body());
                assertEquals(before + 1, recorded.get(), path + ": answered before it was recorded");
            }
        } finally {
            server.stop();
        }
    }
}
