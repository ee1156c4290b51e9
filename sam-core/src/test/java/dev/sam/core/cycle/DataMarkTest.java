package dev.sam.core.cycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sam.core.model.Manifest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataMarkTest {
    @TempDir
    Path tmp;

    private static Manifest.DataFile f(long bytes, long records) {
        return new Manifest.DataFile(bytes, records);
    }

    @Test
    void countsSamplesAndPairsCommittedSinceAnEarlierMark() {
        DataMark before = new DataMark(Map.of("commits/a.jsonl", f(1000, 10), "dpo/preference_pairs.jsonl", f(200, 2)));
        DataMark now = new DataMark(Map.of("commits/a.jsonl", f(1500, 16), "knowledge/b.jsonl", f(300, 3),
                "dpo/preference_pairs.jsonl", f(300, 3)));
        assertEquals(9, now.newSamplesSince(before), "6 appended + a new file of 3");
        assertEquals(1, now.newPairsSince(before));
        assertEquals(19, now.newSamplesSince(null), "no earlier mark: everything is new");
        DataMark rewritten = new DataMark(Map.of("commits/a.jsonl", f(400, 4)));
        assertEquals(0, rewritten.newSamplesSince(before), "a file shorter than at the mark was rewritten, not grown");
    }

    @Test
    void stateRoundTripsThroughItsFile() {
        CycleStateFile file = new CycleStateFile(tmp.resolve("cycle/state.json"));
        assertNull(file.read().blessedMark(), "no file: the initial state");
        DataMark m = new DataMark(Map.of("commits/a.jsonl", f(10, 1)));
        CycleState s = CycleState.initial().started("2026-01-25T03:00:00").withPending(new CycleState.Pending("r1", m));
        file.write(s);
        assertEquals(s, file.read());
        CycleState done = file.read().withBlessed(m, "r1").finished(new CycleState.Outcome("t", "canary_started", "msg",
                "next", "r1", "v1.0.1"));
        file.write(done);
        assertEquals(done, file.read());
        assertNull(file.read().pending());
        assertNull(file.read().startedAt());
    }
}
