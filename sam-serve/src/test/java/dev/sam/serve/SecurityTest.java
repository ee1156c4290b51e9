package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token, Host/Origin checks, body limit and bind refusal against a real server. */
class SecurityTest {
    @TempDir
    Path tmp;
    ServeFixture f;
    Api api;

    @BeforeEach
    void setUp() throws Exception {
        f = new ServeFixture(tmp).maxBody(4096);
        api = f.start(new EchoBackend());
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void tokenFileIsCreatedOwnerOnlyAndKeptAcrossStarts() throws Exception {
        Path t = f.home.apiToken();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(t)));
        String token = f.token();
        assertEquals(64, token.length());
        assertTrue(f.server.info().tokenCreated());
        f.server.stop();
        f.start(new EchoBackend());
        assertFalse(f.server.info().tokenCreated());
        assertEquals(token, f.token());
    }

    @Test
    void trainNeedsTheToken() throws Exception {
        Api.Resp r = api.post("/api/train", "{}", null);
        assertEquals(401, r.status());
        assertTrue(r.header("WWW-Authenticate").startsWith("Bearer"));
        assertFalse(r.json().get("success").asBoolean());
        // issue 22: the answer to a stranger names no path of this machine, it points to the help
        assertFalse(r.body().contains(f.home.apiToken().toString()), r.body());
        assertFalse(r.body().contains(f.home.root().toString()), r.body());
        assertTrue(r.json().get("error").asText().contains("see `sam serve --help`"), r.body());
        r = api.post("/api/train", "{}", "not-the-token");
        assertEquals(401, r.status());
        assertTrue(r.json().get("error").asText().startsWith("wrong API token"));
    }

    @Test
    void foreignHostIsForbidden() throws Exception {
        int port = f.server.port();
        String resp = RawHttp.send(port, "POST /api/train HTTP/1.1\r\nHost: attacker.example:" + port
                + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertEquals(403, RawHttp.status(resp), resp);
        assertTrue(resp.contains("\"success\":false"), resp);
        resp = RawHttp.send(port, "GET /api/self HTTP/1.1\r\nHost: 127.0.0.1:1\r\nConnection: close\r\n\r\n");
        assertEquals(403, RawHttp.status(resp), "wrong port: " + resp);
        for (String host : new String[] {"localhost:" + port, "[::1]:" + port, "127.0.0.1:" + port}) {
            resp = RawHttp.send(port, "GET /api/self HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertEquals(200, RawHttp.status(resp), host + ": " + resp.lines().findFirst().orElse(""));
        }
    }

    @Test
    void crossOriginRequestsAreForbidden() throws Exception {
        Api.Resp r = api.send(HttpRequest.newBuilder(URI.create(api.base + "/api/self"))
                .header("Origin", "http://evil.example"));
        assertEquals(403, r.status());
        r = api.send(HttpRequest.newBuilder(URI.create(api.base + "/api/self"))
                .header("Origin", "http://localhost:" + f.server.port()));
        assertEquals(200, r.status());
        r = api.send(HttpRequest.newBuilder(URI.create(api.base + "/api/self")).header("Origin", "null"));
        assertEquals(403, r.status());
    }

    @Test
    void oversizedBodyIs413AndMalformedJsonIs400() throws Exception {
        String big = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5000) + "\"}]}";
        Api.Resp r = api.post("/v1/chat/completions", big, null);
        assertEquals(413, r.status());
        assertTrue(r.json().at("/error/message").asText().contains("4096 bytes"), r.body());
        r = api.post("/api/train", "x".repeat(5000), f.token());
        assertEquals(413, r.status());
        r = api.post("/api/train", "{\"force\":", f.token());
        assertEquals(400, r.status());
        assertTrue(r.json().get("error").asText().startsWith("malformed JSON"));
        r = api.post("/api/train", "{\"forse\":true}", f.token());
        assertEquals(400, r.status());
        assertTrue(r.json().get("error").asText().contains("forse"));
    }

    @Test
    void chunkedBodyOverTheLimitIs413() throws Exception {
        int port = f.server.port();
        String chunk = "x".repeat(3000);
        String req = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";
        assertEquals(413, RawHttp.status(RawHttp.send(port, req)));
    }

    @Test
    void nonLoopbackBindIsRefusedWithoutAllowRemote() {
        SamException e = assertThrows(SamException.class, () -> new ServeService(f.home, f.config, f.db)
                .start(f.options(new EchoBackend()).withHost("0.0.0.0")));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("refusing to listen on 0.0.0.0"), e.getMessage());
        assertTrue(e.hint().contains("--allow-remote"));
    }

    @Test
    void allowRemoteAcceptsIpLiteralsButNotNames() throws Exception {
        f.server.stop();
        f.start(f.options(new EchoBackend()).withHost("0.0.0.0").withAllowRemote(true));
        int port = f.server.port();
        assertEquals("http://127.0.0.1:" + port, f.server.info().url());
        String ok = RawHttp.send(port, "GET /api/self HTTP/1.1\r\nHost: 10.1.2.3:" + port + "\r\nConnection: close\r\n\r\n");
        assertEquals(200, RawHttp.status(ok));
        String name = RawHttp.send(port, "GET /api/self HTTP/1.1\r\nHost: rebound.example:" + port
                + "\r\nConnection: close\r\n\r\n");
        assertEquals(403, RawHttp.status(name));
    }

    @Test
    void portInUseIsAClearError() {
        SamException e = assertThrows(SamException.class, () -> new ServeService(f.home, f.config, f.db)
                .start(f.options(new EchoBackend()).withPort(f.server.port())));
        assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + f.server.port()), e.getMessage());
        assertTrue(e.hint().contains("--port"));
    }

    @Test
    void chatCanRequireTheToken() throws Exception {
        assertEquals(200, api.chat("no token needed by default", false).status());
        f.server.stop();
        var c = f.config;
        f.config = new dev.sam.core.config.SamConfig(c.training(), c.rollback(), c.models(), c.collect(),
                c.serve().withRequireTokenForChat(true), c.cycle(), c.eval());
        api = f.start(new EchoBackend());
        String chat = "{\"model\":\"sam\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (String path : new String[] {"/v1/chat/completions", "/api/chat"}) {
            Api.Resp r = api.post(path, chat, null);
            assertEquals(401, r.status(), path + ": " + r.body());
            assertEquals(200, api.post(path, chat, f.token()).status(), path);
        }
        assertEquals(401, api.post("/v1/completions", "{\"model\":\"sam\",\"prompt\":\"x\"}", null).status());
        assertEquals(401, api.post("/api/generate", "{\"model\":\"sam\",\"prompt\":\"x\"}", null).status());
        assertEquals(200, api.get("/api/self").status(), "reading stays open");
    }
}
