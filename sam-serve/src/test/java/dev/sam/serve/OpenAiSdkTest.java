package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Node SDK (npm {@code openai}, the exact version pinned in test-node/package.json)
 * drives a real server on 127.0.0.1 with the echo engine: models, chat, streamed chat, completions with a
 * suffix (streamed and not) and three errors, through test-node/openai-sdk-check.mjs. The SDK parses every
 * answer with its own types, so a shape it cannot read fails here. The packages come from {@code .ci/run}
 * ({@code npm ci} into test-node/node_modules, git-ignored) or, when missing, from this test via npm; without
 * node on the machine the test is skipped (CI installs it).
 */
class OpenAiSdkTest {
    @TempDir
    Path tmp;
    ServeFixture f;
    Api api;

    @BeforeEach
    void setUp() throws Exception {
        f = new ServeFixture(tmp);
        f.deploy();
        api = f.start(new EchoBackend());
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    static Path nodeDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("test-node/package.json"))) {
                return p.resolve("test-node");
            }
        }
        throw new IllegalStateException("no test-node/package.json above " + Path.of("").toAbsolutePath());
    }

    static String run(Path dir, long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes(); // the children end on their own (SDK timeout 30 s, npm bounded below)
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + " failed:\n" + text);
        return text;
    }

    static boolean onPath(String tool) {
        try {
            return new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void officialSdkReadsEveryAnswer() throws Exception {
        Assumptions.assumeTrue(onPath("node"), "node is not installed (.ci/run installs nodejs and npm)");
        Path dir = nodeDir();
        if (!Files.isDirectory(dir.resolve("node_modules/openai"))) {
            run(dir, 300, List.of("npm", "ci", "--no-audit", "--no-fund"));
        }
        String out = run(dir, 120, List.of("node", "openai-sdk-check.mjs", "http://127.0.0.1:" + f.server.port()));
        JsonNode r = Json.mapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());

        assertEquals(List.of("sam", "active", "v1.0.0"), Json.mapper().convertValue(r.get("models"), List.class));
        assertEquals("[v1.0.0] hello there", r.at("/chat/text").asText());
        assertEquals("stop", r.at("/chat/finish").asText());
        assertEquals("[v1.0.0] stream this please", r.at("/chatStream/text").asText());
        assertEquals("stop", r.at("/chatStream/finish").asText());
        assertEquals(4, r.at("/chatStream/usage/completion_tokens").asInt());
        assertEquals("[v1.0.0] <|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n\nprint(add(1, 2))<|fim_middle|>",
                r.at("/completion/text").asText());
        assertEquals("[v1.0.0] <|fim_prefix|>x = <|fim_suffix|>\ny = x<|fim_middle|>",
                r.at("/completionStream/text").asText());

        assertEquals(404, r.at("/unknownModel/status").asInt(), r.toString());
        assertEquals("NotFoundError", r.at("/unknownModel/cls").asText());
        assertEquals("model_not_found", r.at("/unknownModel/code").asText());
        assertEquals("model", r.at("/unknownModel/param").asText());
        assertEquals("invalid_request_error", r.at("/unknownModel/type").asText());
        for (String bad : List.of("tools", "jsonMode")) {
            assertEquals(400, r.at("/" + bad + "/status").asInt(), r.toString());
            assertEquals("BadRequestError", r.at("/" + bad + "/cls").asText());
            assertTrue(r.at("/" + bad + "/message").asText().contains("not supported"), r.toString());
        }
    }
}
