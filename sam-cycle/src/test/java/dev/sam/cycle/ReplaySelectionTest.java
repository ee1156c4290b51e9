package dev.sam.cycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.cycle.DataMark;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Manifest;
import dev.sam.train.data.SampleSelection;
import dev.sam.train.data.TrainingRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New versus old records by the manifest's committed lengths, and the seeded 1:1 replay. */
class ReplaySelectionTest {
    @TempDir
    Path tmp;

    private record Corpus(List<TrainingRecord> records, DataMark at30, DataMark at50) {
    }

    /** commits/a.jsonl with 50 lines: 30 committed at the first mark, 50 at the second, and 3 uncommitted. */
    private Corpus corpus() throws Exception {
        Path f = Files.createDirectories(tmp.resolve("commits")).resolve("a.jsonl");
        List<TrainingRecord> records = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        long at30 = 0;
        long at50 = 0;
        for (int i = 1; i <= 53; i++) {
            text.append("{\"n\":").append(i).append("}\n");
            records.add(new TrainingRecord("s" + i, "commits", f, i, List.of(new ChatMessage("user", "q" + i),
                    new ChatMessage("assistant", "a" + i)), null, null, "commit:" + i));
            if (i == 30) {
                at30 = text.toString().getBytes(StandardCharsets.UTF_8).length;
            }
            if (i == 50) {
                at50 = text.toString().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        Files.writeString(f, text);
        return new Corpus(records, new DataMark(Map.of("commits/a.jsonl", new Manifest.DataFile(at30, 30))),
                new DataMark(Map.of("commits/a.jsonl", new Manifest.DataFile(at50, 50))));
    }

    @Test
    void newSamplesAndAsManyReplayedOnesUncommittedLinesLeftOut() throws Exception {
        Corpus c = corpus();
        SampleSelection.Selected s = new ReplaySelection(tmp, c.at30(), c.at50(), 1.0, 7).select(c.records());
        assertEquals(20, s.counts().get(ReplaySelection.NEW));
        assertEquals(20, s.counts().get(ReplaySelection.REPLAYED));
        assertEquals(30, s.counts().get(ReplaySelection.OLD_AVAILABLE));
        assertEquals(40, s.records().size());
        for (TrainingRecord r : s.records()) {
            assertTrue(r.line() <= 50, "never a line past the commit point: " + r.line());
        }
        assertEquals(20, s.records().stream().filter(r -> r.line() > 30).count(), "every new line is in");
        assertEquals(c.at50().newSamplesSince(c.at30()), 20, "the same count as sam status shows");
    }

    @Test
    void replayIsSeededAndBoundedByWhatIsOld() throws Exception {
        Corpus c = corpus();
        var a = new ReplaySelection(tmp, c.at30(), c.at50(), 1.0, 7).select(c.records()).records();
        var b = new ReplaySelection(tmp, c.at30(), c.at50(), 1.0, 7).select(c.records()).records();
        var d = new ReplaySelection(tmp, c.at30(), c.at50(), 1.0, 8).select(c.records()).records();
        assertEquals(a, b, "same seed, same draw");
        assertTrue(!new HashSet<>(a).equals(new HashSet<>(d)), "another seed draws other old samples");
        var many = new ReplaySelection(tmp, c.at30(), c.at50(), 5.0, 7).select(c.records());
        assertEquals(30, many.counts().get(ReplaySelection.REPLAYED), "at most every old sample");
        var none = new ReplaySelection(tmp, null, c.at50(), 1.0, 7).select(c.records());
        assertEquals(50, none.counts().get(ReplaySelection.NEW), "no blessed run yet: everything committed is new");
        assertEquals(0, none.counts().get(ReplaySelection.REPLAYED));
    }
}
