package dev.sam.collect.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.collect.Harness;
import dev.sam.collect.Source;
import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.json.Json;
import dev.sam.core.model.Sample;
import dev.sam.core.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Captures and imports: samples, weights, DPO pairs, line-numbered problems, idempotency. */
class DistillServiceTest {
    @TempDir
    Path tmp;

    @Test
    void aCorrectionWeighsMostAndBecomesAPreferencePair() throws Exception {
        try (Harness h = new Harness(tmp)) {
            DistillService s = new DistillService(h.home, h.config, h.db);
            DistillReport r = s.capture("""
                    {"prompt": "How do I reverse a list in Python?", "reasoning": "slicing with a negative step copies",
                     "answer": "Use xs[::-1] for a reversed copy, or xs.reverse() in place.",
                     "correction": {"wrong_answer": "Use reversed(xs), it returns a list.",
                                    "explanation": "reversed() returns an iterator, not a list."},
                     "domain": "python", "session_id": "s1"}""", "stdin");
            assertEquals(1, r.captured());
            assertEquals(1, r.collected().added());
            Sample sample = h.samples(Source.DISTILL).get(0);
            assertEquals(1.0, sample.quality());
            // the corrected answer is the only assistant turn: the wrong one is never a trained turn
            assertEquals(List.of("user", "assistant"), sample.messages().stream().map(m -> m.role()).toList());
            assertTrue(sample.messages().get(1).content().startsWith("slicing with a negative step copies\n\nUse xs[::-1]"));
            assertTrue(sample.messages().stream().noneMatch(m -> m.content().contains("reversed(xs)")));
            assertEquals("reversed() returns an iterator, not a list.", sample.meta().get("correction_explanation"));
            assertEquals("correction", sample.meta().get("kind"));
            List<String> pairs = Files.readAllLines(h.home.preferencePairs());
            assertEquals(1, pairs.size());
            var pair = Json.mapper().readTree(pairs.get(0));
            assertEquals("Use reversed(xs), it returns a list.", pair.get("rejected").asText());
            assertTrue(pair.get("chosen").asText().startsWith("Use xs[::-1]"));
            assertEquals(1, h.manifest().preferencePairs());
            assertEquals(1, h.manifest().distilledSamples());

            DistillReport again = s.capture("{\"prompt\": \"How do I reverse a list in Python?\", \"reasoning\": "
                    + "\"slicing with a negative step copies\", \"answer\": \"Use xs[::-1] for a reversed copy, or "
                    + "xs.reverse() in place.\", \"correction\": {\"wrong_answer\": \"Use reversed(xs), it returns a list.\"}}",
                    "stdin");
            assertEquals(0, again.captured(), "the same content is captured once");
            assertEquals(1, again.duplicates());

            DistillStats stats = s.stats();
            assertEquals(1, stats.captures());
            assertEquals(1L, stats.byKind().get("correction"));
            assertEquals(1L, stats.byDomain().get("python"));
            assertEquals(1, stats.samples());
            assertEquals(0, stats.pending());
        }
    }

    @Test
    void anImportReportsBadLinesByNumberAndKeepsTheGoodOnes() throws Exception {
        Path file = tmp.resolve("sessions.jsonl");
        byte[] badUtf8 = {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'};
        Files.write(file, concat(("""
                {"prompt": "What does git rebase --onto do?", "answer": "It replays commits onto a new base, cutting them from an old one."}
                {"prompt": "broken", "answer": }
                {"answer": "no prompt here"}

                {"prompt": "Sort a slice in Go", "answer": "Use sort.Slice with a less function.", "preference": {"rejected": "Go cannot sort slices."}}
                [1, 2, 3]
                {"prompt": "Deploy key?", "answer": "Here: -----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEA"}
                """).getBytes(), badUtf8));
        try (Harness h = new Harness(tmp)) {
            DistillReport r = new DistillService(h.home, h.config, h.db).importFile(file, ProgressListener.NONE);
            assertEquals(7, r.read());
            assertEquals(3, r.captured(), "the key on line 7 is scrubbed, the rest of that capture kept");
            assertEquals(List.of(2L, 3L, 6L, 8L), r.problems().stream().map(DistillReport.Problem::line).toList(),
                    r.problems().toString());
            assertTrue(r.problems().get(0).reason().startsWith("invalid JSON"), r.problems().get(0).reason());
            assertEquals("missing \"prompt\"", r.problems().get(1).reason());
            assertEquals("not a JSON object", r.problems().get(2).reason());
            assertEquals("not valid UTF-8", r.problems().get(3).reason());
            assertEquals(3, h.samples(Source.DISTILL).size());
            assertEquals(1, h.manifest().preferencePairs());
            String all = h.text(Source.DISTILL);
            assertFalse(all.contains("MIIEowIBAAKCAQEA"));
            assertTrue(all.contains("Here: <PRIVATE_KEY>"), all);

            DistillReport again = new DistillService(h.home, h.config, h.db).importFile(file, ProgressListener.NONE);
            assertEquals(0, again.captured());
            assertEquals(0, again.collected().added());
        }
    }

    @Test
    void badInputIsRefusedWithAClearMessage() throws Exception {
        try (Harness h = new Harness(tmp)) {
            DistillService s = new DistillService(h.home, h.config, h.db);
            SamException e = assertThrows(SamException.class, () -> s.capture("{\"prompt\": \"x\"}", "stdin"));
            assertEquals(ExitCode.FAILURE, e.exitCode());
            assertEquals("the capture from stdin is not valid: missing \"answer\"", e.getMessage());
            Path none = tmp.resolve("nope.jsonl");
            assertEquals(ExitCode.USAGE, assertThrows(SamException.class,
                    () -> s.importFile(none, ProgressListener.NONE)).exitCode());
            Path allBad = tmp.resolve("bad.jsonl");
            Files.writeString(allBad, "{\n{\n");
            SamException bad = assertThrows(SamException.class, () -> s.importFile(allBad, ProgressListener.NONE));
            assertTrue(bad.getMessage().startsWith("none of the 2 documents in " + allBad + " is a valid capture: line 1:"),
                    bad.getMessage());
            assertEquals(0, h.manifest().totalSamples(), "nothing stored");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
