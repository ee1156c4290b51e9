package dev.sam.train.datareport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.config.ConfigLoader;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.TestHomes;
import dev.sam.train.run.TrainHomes;
import dev.sam.train.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data report with an installed base model: token lengths by the model's own tokenizer (checked
 * against encoding the texts directly), the training speed measured once by the native trainer and then
 * read from the cache, and an estimate that is the arithmetic it claims (tokens / tokens per second).
 */
class DataReporterTest {
    @TempDir
    Path tmp;

    @Test
    void tokensComeFromTheModelsTokenizerAndTheSpeedIsMeasuredOnceThenCached() throws Exception {
        SamHome home = TestHomes.fresh(tmp);
        TrainHomes.tinyModel(home, tmp);
        TrainHomes.config(home, 10, 0, 128, 20, "collect:\n  mix:\n    distill: 0.5\n");
        TrainHomes.helloTask(home, 60, false, 3);
        SamConfig config = ConfigLoader.load(home.configFile());
        List<String> notes = new ArrayList<>();

        DataReport r = new DataReporter(home, config).build(0, true, notes::add);
        assertEquals(60, r.samples());
        assertEquals("tiny tokenizer", r.tokenizer());
        assertEquals(1, notes.size(), "one note before measuring: " + notes);
        DataReport.Slice s = r.slices().get(0);
        assertEquals("distill", s.source());
        long[] direct = directTokens(home);
        assertEquals(java.util.Arrays.stream(direct).sum(), s.tokens().total(), "token counts of the real tokenizer");
        assertEquals(direct[direct.length - 1], s.tokens().max());

        DataReport.Estimate e = r.estimate();
        assertNotNull(e.tokensPerSecond(), e.toString());
        assertTrue(e.tokensPerSecond() > 0 && e.speedMethod().startsWith("native trainer"), e.toString());
        assertEquals(Math.round(54 * 1.0 * s.tokens().total() / 60.0), e.trainTokens(), 60,
                "54 training examples (90%) x 1 epoch x mean tokens");
        assertEquals(e.trainTokens() / e.tokensPerSecond(), e.seconds(), 1e-6);
        assertTrue(Files.isRegularFile(home.trainSpeedCache()));

        notes.clear();
        DataReport again = new DataReporter(home, config).build(0, true, notes::add);
        assertTrue(notes.isEmpty(), "cached: not measured again");
        assertEquals(e.tokensPerSecond(), again.estimate().tokensPerSecond());
        assertEquals(r.sources().get(0).examples(), again.sources().get(0).examples(), "same seed, same samples");
        assertEquals(0.5, again.mix().configured().get("distill"));
        assertEquals(60, again.mix().used(), "the only source is not sampled down by its own share");
    }

    private static long[] directTokens(SamHome home) throws Exception {
        List<Long> out = new ArrayList<>();
        try (Tokenizer t = Tokenizer.load(home.baseModel("tiny"))) {
            for (String line : Files.readAllLines(home.trainingData().resolve("distillation/task.jsonl"))) {
                var n = dev.sam.core.json.Json.mapper().readTree(line).get("messages");
                out.add((long) (t.encode(n.get(0).get("content").asText()).length
                        + t.encode(n.get(1).get("content").asText()).length));
            }
        }
        return out.stream().mapToLong(Long::longValue).sorted().toArray();
    }
}
