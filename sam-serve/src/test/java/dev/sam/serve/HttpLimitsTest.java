package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.config.SamConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22 item 2 against a real server on 127.0.0.1, with raw sockets: slow clients (slowloris) neither block
 * the health check nor hold their connections past the header timeout; one client cannot open more than its
 * share of connections; a trickled body is cut off; HTTP edge cases answer with SAM's JSON errors. Every loop
 * is bounded in count and time.
 */
class HttpLimitsTest {
    @TempDir
    Path tmp;
    ServeFixture f;

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
    }

    private Api start(SamConfig.Serve.Limits limits, long backendDelayMillis) throws IOException {
        f = new ServeFixture(tmp);
        f.config = new SamConfig(f.config.training(), f.config.rollback(), f.config.models(), f.config.collect(),
                f.config.serve().withLimits(limits), f.config.cycle(), f.config.eval());
        return f.start(new EchoBackend(backendDelayMillis));
    }

    private static Socket open(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(200);
        return s;
    }

    /** True when the server closed the socket (EOF or reset) within {@code millis}. */
    private static boolean closedWithin(Socket s, long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        while (System.currentTimeMillis() < deadline) {
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // still open
            } catch (IOException e) {
                return true; // reset
            }
        }
        return false;
    }

    @Test
    void slowHeadsDoNotBlockHealthChecksAndAreCutOffAtTheHeaderTimeout() throws Exception {
        Api api = start(new SamConfig.Serve.Limits(2, 30, 30, 256, 64), 0);
        int port = f.server.port();
        List<Socket> slow = new ArrayList<>();
        try {
            // 40 connections (more than the JDK server's 16 workers that this attack used to exhaust), each
            // sending its head a few bytes at a time and never finishing it
            for (int i = 0; i < 40; i++) {
                Socket s = open(port);
                s.getOutputStream().write(("GET /api/self HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            for (int round = 0; round < 3; round++) {
                for (Socket s : slow) {
                    trickle(s, "X-Slow-" + round + ": 1\r\n");
                }
                Api.Resp health = api.get("/api/self");
                assertEquals(200, health.status(), "the health check answers while 40 heads trickle in");
            }
            // the trickle resets no deadline: every slow connection is closed by the server
            long deadline = System.currentTimeMillis() + 15_000;
            for (Socket s : slow) {
                trickle(s, "X-More: 1\r\n");
                assertTrue(closedWithin(s, Math.max(1, deadline - System.currentTimeMillis())),
                        "a head that never completes is cut off");
            }
            assertEquals(200, api.get("/api/self").status());
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    private static void trickle(Socket s, String text) {
        try {
            OutputStream out = s.getOutputStream();
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException closedAlready) {
            // the server may have closed it: that is what the test waits for
        }
    }

    @Test
    void oneClientCannotHoldMoreThanItsShareOfConnections() throws Exception {
        Api api = start(new SamConfig.Serve.Limits(3, 30, 30, 256, 8), 0);
        int port = f.server.port();
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                held.add(open(port));
            }
            Socket extra = open(port);
            held.add(extra);
            assertTrue(closedWithin(extra, 5000), "the 9th connection of one client is closed at once");
            // the 8 silent ones are cut off by the header timeout (a new connection must send its head in time),
            // after which the client is served again
            for (int i = 0; i < 8; i++) {
                assertTrue(closedWithin(held.get(i), 15_000), "a connection that never sends a request is closed");
            }
            assertEquals(200, api.get("/api/self").status());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aTrickledBodyIsCutOffAtTheBodyTimeout() throws Exception {
        start(new SamConfig.Serve.Limits(5, 1, 30, 256, 64), 0);
        int port = f.server.port();
        try (Socket s = open(port)) {
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            StringBuilder got = new StringBuilder();
            long deadline = System.currentTimeMillis() + 15_000;
            boolean closed = false;
            while (!closed && System.currentTimeMillis() < deadline) {
                trickle(s, " ");
                closed = readSome(s, got);
            }
            assertTrue(closed, "the connection is closed once the body timeout passed");
            assertTrue(got.toString().startsWith("HTTP/1.1 408"), got.toString());
            assertTrue(got.toString().contains("body_timeout_seconds"), got.toString());
        }
    }

    /** Reads what is there for up to 200 ms into {@code got}; true at EOF or reset. */
    private static boolean readSome(Socket s, StringBuilder got) {
        byte[] buf = new byte[4096];
        try {
            int n = s.getInputStream().read(buf);
            if (n < 0) {
                return true;
            }
            got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void aLongGenerationWithoutIoOutlivesTheIdleTimeout() throws Exception {
        Api api = start(new SamConfig.Serve.Limits(5, 5, 1, 256, 64), 2500);
        Api.Resp r = api.chat("slow answer", false);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().at("/choices/0/message/content").asText().endsWith("slow answer"), r.body());
    }

    @Test
    void httpEdgeCasesAnswerWithSamJsonErrors() throws Exception {
        start(SamConfig.Serve.Limits.defaults(), 0);
        int port = f.server.port();
        String host = "Host: 127.0.0.1:" + port + "\r\n";
        // a Content-Length that is no number: the JDK server answered with HTML naming NumberFormatException
        String r = RawHttp.send(port, "POST /api/show HTTP/1.1\r\n" + host + "Content-Length: abc\r\n"
                + "Connection: close\r\n\r\n{}");
        assertJsonError(r, 400);
        assertTrue(r.contains("\"error\":\""), "Ollama's shape on an Ollama route: " + r);
        r = RawHttp.send(port, "POST /v1/chat/completions HTTP/1.1\r\n" + host + "Content-Length: 1x\r\n"
                + "Connection: close\r\n\r\n{}");
        assertJsonError(r, 400);
        r = RawHttp.send(port, "GET /api/self HTTP/1.1\r\n" + host + "Content-Length: -5\r\nConnection: close\r\n\r\n");
        assertJsonError(r, 400);
        // two Host headers: which server is meant is ambiguous (RFC 9112 section 3.2)
        r = RawHttp.send(port, "GET /api/self HTTP/1.1\r\n" + host + "Host: attacker.example\r\n"
                + "Connection: close\r\n\r\n");
        assertJsonError(r, 400);
        // two Content-Lengths
        r = RawHttp.send(port, "POST /v1/chat/completions HTTP/1.1\r\n" + host + "Content-Length: 2\r\n"
                + "Content-Length: 3\r\nConnection: close\r\n\r\n{}");
        assertJsonError(r, 400);
        // bytes after the JSON body: one request, one value
        String body = "{\"model\":\"sam\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} {\"x\":1}";
        r = RawHttp.send(port, "POST /v1/chat/completions HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        assertJsonError(r, 400);
        assertTrue(r.contains("malformed JSON"), r);
        // the same body without the trailing value is served
        body = "{\"model\":\"sam\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        r = RawHttp.send(port, "POST /v1/chat/completions HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        assertEquals(200, RawHttp.status(r), r);
    }

    private static void assertJsonError(String response, int status) {
        assertEquals(status, RawHttp.status(response), response);
        assertTrue(response.contains("application/json"), response);
        assertFalse(response.contains("<html") || response.contains("Exception"), response);
    }
}
