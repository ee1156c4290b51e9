package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.io.ProcessLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/train starts a child process, refuses a second run with 409, reports early refusals. */
class TrainEndpointTest {
    @TempDir
    Path tmp;
    ServeFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new ServeFixture(tmp);
    }

    @AfterEach
    void tearDown() throws Exception {
        Files.writeString(f.home.root().resolve("stop-fake"), "");
        f.close();
    }

    private Api start(String mode) {
        List<String> cmd = new ArrayList<>(ServeOptions.currentJvm(FakeTrainRun.class.getName()));
        cmd.add(mode);
        return f.start(f.options(new EchoBackend()).withSamCommand(cmd));
    }

    @Test
    void runInBackgroundThen409WhileItRuns() throws Exception {
        Api api = start("hold");
        Api.Resp r = api.post("/api/train", "{\"force\":true}", f.token());
        assertEquals(202, r.status(), r.body());
        JsonNode j = r.json();
        assertTrue(j.get("success").asBoolean());
        assertEquals("running", j.get("state").asText());
        assertEquals("sam force", j.get("command").asText());
        assertEquals(FakeTrainRun.RUN_ID, j.get("run_id").asText());
        assertTrue(j.get("pid").asLong() > 0);

        Api.Resp again = api.post("/api/train", "{}", f.token());
        assertEquals(409, again.status(), again.body());
        assertFalse(again.json().get("success").asBoolean());
        assertEquals(FakeTrainRun.RUN_ID, again.json().get("run_id").asText());
        assertTrue(again.json().get("error").asText().contains("run " + FakeTrainRun.RUN_ID));

        JsonNode t = api.get("/api/training").json().get("training");
        assertTrue(t.get("running").asBoolean(), t.toString());
        assertEquals(FakeTrainRun.RUN_ID, t.get("run_id").asText());
        assertEquals(3, t.at("/progress/step").asInt(), "last complete line of metrics.jsonl");
        assertTrue(t.at("/started_here/alive").asBoolean());
        assertEquals("pending", t.at("/run/status").asText(), "the run row");

        Files.writeString(f.home.root().resolve("stop-fake"), "");
        long deadline = System.currentTimeMillis() + 20_000;
        while (api.get("/api/training").json().at("/training/running").asBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "the child should have ended");
            Thread.sleep(100);
        }
        t = api.get("/api/training").json().get("training");
        assertEquals(0, t.at("/started_here/exit_code").asInt());
    }

    @Test
    @SuppressWarnings("try") // the lock is held for the block, not used in it
    void aRunHeldByAnotherProcessIs409() throws Exception {
        Api api = start("hold");
        try (ProcessLock lock = ProcessLock.tryAcquire(f.home.lockFile("train"), "run 20990101_000002").orElseThrow()) {
            Api.Resp r = api.post("/api/train", "{}", f.token());
            assertEquals(409, r.status(), r.body());
            assertEquals("20990101_000002", r.json().get("run_id").asText());
            assertTrue(api.get("/api/training").json().at("/training/running").asBoolean());
        }
        assertFalse(api.get("/api/training").json().at("/training/running").asBoolean(), "released: not running");
    }

    @Test
    void anImmediateRefusalIsPassedOn() throws Exception {
        Api api = start("refuse");
        Api.Resp r = api.post("/api/train", "", f.token());
        assertEquals(409, r.status(), r.body());
        assertEquals("only 5 samples, 100 needed to train", r.json().get("error").asText());
        assertEquals("collect more or use sam force", r.json().get("hint").asText());
        assertEquals(3, r.json().get("exit_code").asInt());
        assertEquals("sam train", r.json().get("command").asText());
    }
}
