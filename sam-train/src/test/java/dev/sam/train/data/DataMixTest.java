package dev.sam.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.ChatMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** collect.mix: shares per slice met by sampling down, deterministically, never by repeating samples. */
class DataMixTest {
    @Test
    void aDominantSourceIsSampledDownToItsShareAndTheRestIsKept() {
        List<TrainingRecord> all = new ArrayList<>();
        add(all, "commits", "commit", 540);
        add(all, "code_patterns", "main", 280);
        add(all, "code_patterns", "test", 140);
        add(all, "knowledge", "doc", 40);
        DataMix.Result r = new DataMix(Map.of("commits", 0.3, "code/test", 0.1)).apply(all);
        // the unconfigured 320 (code/main 280 + docs 40) are 60% → N = 320 / 0.6 = 533: commits 160, code/test 53
        assertEquals(160, r.slices().get("commits").used());
        assertEquals(53, r.slices().get("code/test").used());
        assertEquals(280, r.slices().get("code").used());
        assertEquals(40, r.slices().get("docs").used());
        assertEquals(533, r.records().size());
        assertEquals(540, r.slices().get("commits").available());
        assertEquals(r.records(), new DataMix(Map.of("code/test", 0.1, "commits", 0.3)).apply(all).records(),
                "same data and mix, same records");
        assertEquals(all, new DataMix(Map.of()).apply(all).records(), "no mix: everything, in order");
        DatasetSplit.Result split = DatasetSplit.standard().split(r.records());
        double valid = split.valid().size() / (double) r.records().size();
        assertTrue(valid > 0.05 && valid < 0.15, "sampling down keeps the 90/10 split (it once kept mostly validation"
                + " records: the same hash decided both): " + valid);
        assertTrue(new DataMix(Map.of("commits", 0.5, "routing", 0.2)).apply(all).records().size() > 0,
                "a configured slice without samples does not empty the run");
    }

    @Test
    void testPathsAreRecognized() {
        for (String p : List.of("src/test/java/a/FooTest.java", "tests/test_api.py", "pkg/api_test.go", "web/app.spec.ts",
                "__tests__/x.js", "lib/FooIT.java")) {
            assertTrue(SampleKind.isTest(p), p);
        }
        for (String p : List.of("src/main/java/a/Foo.java", "pkg/api.go", "lib/testing_utils_doc.md", "contest/Main.java")) {
            assertTrue(!SampleKind.isTest(p), p);
        }
        assertEquals("test", SampleKind.of("code_patterns", Map.of("path", "src/test/java/FooTest.java")));
        assertEquals("docs", SampleKind.sourceName("knowledge"));
    }

    private static void add(List<TrainingRecord> out, String dir, String kind, int n) {
        for (int i = 0; i < n; i++) {
            out.add(new TrainingRecord(dir + i, dir, Path.of(dir), i, List.of(new ChatMessage("user", dir + " " + kind
                    + " " + i), new ChatMessage("assistant", "answer " + i)), null, null, null, kind));
        }
    }
}
