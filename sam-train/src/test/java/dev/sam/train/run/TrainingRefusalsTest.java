package dev.sam.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.TestHomes;
import dev.sam.core.config.ConfigLoader;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.RunStatus;
import dev.sam.core.store.Database;
import dev.sam.core.store.RunRepository;
import dev.sam.train.runs.StopSignal;
import dev.sam.train.tokenizer.TestTokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal and bad input of the pipeline is one clear SamException (never a crash), and nothing
 * is recorded for a run that never started: threshold (exit 3, how many missing, `sam force`), lock
 * held (exit 3, the holder's run id), profile typo (usage, the known profiles), missing base model,
 * tokenizer missing or from another model, empty data; corrupt lines and long sequences are counted
 * and the run goes on.
 */
class TrainingRefusalsTest {
    @TempDir
    Path tmp;
    SamHome home;

    @BeforeEach
    void setUp() throws Exception {
        home = TestHomes.fresh(tmp);
        TrainHomes.tinyModel(home, tmp);
        TrainHomes.config(home, 10, 3, null);
    }

    private RunResult run(TrainRequest r) {
        try (Database db = Database.open(home.database())) {
            return new TrainingRunner(home, ConfigLoader.load(home.configFile()), db).run(r, RunListener.NONE,
                    StopSignal.NEVER);
        }
    }

    private SamException refused(TrainRequest r, ExitCode code, String... fragments) {
        SamException e = assertThrows(SamException.class, () -> run(r));
        assertEquals(code, e.exitCode(), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f) || (e.hint() != null && e.hint().contains(f)),
                    "'" + f + "' in: " + e.getMessage() + " / hint: " + e.hint());
        }
        return e;
    }

    private int runs() {
        try (Database db = Database.open(home.database())) {
            return new RunRepository(db).list().size();
        }
    }

    @Test
    void belowTheThresholdTrainRefusesAndForceTrainsCountingBadLines() throws Exception {
        Path f = TrainHomes.helloTask(home, 9, false, 1);
        Files.writeString(f, "{\"messages\": [{\"role\": \"user\"\n{not json}\n", StandardOpenOption.APPEND);
        refused(TrainRequest.profile(null), ExitCode.NOT_READY, "9 samples, 1 more needed", "sam force",
                "sam collect");
        assertEquals(0, runs(), "a refusal records nothing");
        RunResult r = run(TrainRequest.profile(null).withForce(true));
        assertEquals(RunStatus.COMPLETED, r.run().status());
        assertEquals(2L, ((Number) r.run().metrics().get("bad_lines")).longValue());
        assertTrue(r.warnings().get(0).startsWith("2 of 11 lines skipped (invalid JSON 2)"), r.warnings().toString());
        assertEquals(9, r.run().samplesCount());
    }

    @Test
    void aSecondRunIsRefusedNamingTheHolder() throws Exception {
        TrainHomes.helloTask(home, 20, false, 1);
        try (ProcessLock held = ProcessLock.tryAcquire(home.lockFile("train"), "training run 20990101_000000")
                .orElseThrow()) {
            refused(TrainRequest.profile(null), ExitCode.NOT_READY, "20990101_000000", "one run at a time");
        }
        assertEquals(0, runs());
    }

    @Test
    void profileTypoListsTheProfiles() {
        refused(TrainRequest.profile("8bg"), ExitCode.USAGE, "unknown training profile '8bg'", "8gb", "full", "tiny");
    }

    @Test
    void badFlagValuesAreNamed() {
        refused(TrainRequest.builder().epochs(0).learningRate(2.0).build(), ExitCode.USAGE,
                "--epochs must be", "--lr must be in (0, 1)");
    }

    @Test
    void missingBaseModel() {
        refused(TrainRequest.builder().baseModel("qwen-absent").build(),
                ExitCode.FAILURE, "base model 'qwen-absent' not found", "sam model add");
    }

    @Test
    void tokenizerMissingOrFromAnotherModel() throws Exception {
        TrainHomes.helloTask(home, 20, false, 1);
        Path tok = home.baseModel("tiny").resolve("tokenizer.json");
        Path saved = tmp.resolve("tokenizer.json");
        Files.move(tok, saved);
        refused(TrainRequest.profile(null), ExitCode.FAILURE, "tokenizer missing");
        TestTokenizers.write(tmp.resolve("big"), 2000);
        Files.copy(tmp.resolve("big/tokenizer.json"), tok);
        refused(TrainRequest.profile(null), ExitCode.FAILURE, "tokenizer and model do not belong together");
        assertEquals(0, runs());
    }

    @Test
    void emptyDataset() throws Exception {
        refused(TrainRequest.profile(null).withForce(true), ExitCode.FAILURE, "no training samples", "sam collect");
        Files.writeString(home.sourceDir("commits").resolve("x.jsonl"), "{\"instruction\": \"x\", \"output\": \"\"}\n");
        refused(TrainRequest.profile(null).withForce(true), ExitCode.FAILURE, "1 lines were unusable: empty output 1");
    }

    @Test
    void longSequencesAreCutAndCounted() throws Exception {
        TrainHomes.helloTask(home, 20, false, 1);
        List<String> lines = new ArrayList<>(Files.readAllLines(home.sourceDir("distillation").resolve("task.jsonl")));
        lines.add(TrainHomes.chat("Say hello in rust.", "fn main() { " + "println!(\"hello\"); ".repeat(40) + "}"));
        Files.write(home.sourceDir("distillation").resolve("task.jsonl"), lines);
        RunResult r = run(TrainRequest.builder().maxSeqLength(80).build());
        assertTrue(((Number) r.run().metrics().get("truncated")).intValue() >= 1, r.run().metrics().toString());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("longer than max_seq_length 80 were truncated")),
                r.warnings().toString());
        assertFalse(r.plan().data().longestTokens() > 80);
    }
}
