package dev.sam.collect.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.collect.Harness;
import dev.sam.collect.Source;
import dev.sam.core.json.Json;
import dev.sam.core.model.Sample;
import dev.sam.core.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transcripts in: OpenAI {"messages"}, ShareGPT {"conversations"} and captures, detected per line. */
class TranscriptImportTest {
    @TempDir
    Path tmp;

    @Test
    void everyFormatImportsAndACorrectionInsideMessagesBecomesACorrectionAndAPair() throws Exception {
        Path file = tmp.resolve("mixed.jsonl");
        Files.writeString(file, """
                {"messages": [{"role": "system", "content": "You are a coding assistant."}, {"role": "user", "content": "How do I reverse a list in Python?"}, {"role": "assistant", "content": "Use reversed(xs), it returns a list."}, {"role": "user", "content": "No, reversed() returns an iterator, not a list."}, {"role": "assistant", "content": "Right: use xs[::-1] for a reversed copy, or xs.reverse() in place."}], "model": "gpt-x"}
                {"conversations": [{"from": "human", "value": "What does git stash pop do?"}, {"from": "gpt", "value": "It applies the latest stash and drops it from the stash list."}, {"from": "human", "value": "And git stash apply?"}, {"from": "gpt", "value": "It applies the stash but keeps it in the list."}]}
                {"prompt": "Sort a slice in Go", "answer": "Use sort.Slice with a less function."}
                {"messages": [{"role": "user", "content": "hi"}, {"role": "wizard", "content": "x"}]}
                {"conversations": "nope"}
                {"messages": [{"role": "user", "content": [{"type": "text", "text": "Explain defer in Go."}]}, {"role": "assistant", "content": [{"type": "text", "text": "defer runs a call when the surrounding function returns."}]}]}
                {"messages": [{"role": "user", "content": "only a question"}]}
                """);
        try (Harness h = new Harness(tmp)) {
            DistillReport r = new DistillService(h.home, h.config, h.db).importFile(file, ProgressListener.NONE);
            assertEquals(7, r.read());
            assertEquals(Map.of("openai", 2L, "sharegpt", 1L, "capture", 1L), r.formats());
            assertEquals(List.of(4L, 5L, 7L), r.problems().stream().map(DistillReport.Problem::line).toList());
            assertTrue(r.problems().get(0).reason().startsWith("openai: messages[1].role 'wizard'"),
                    r.problems().get(0).reason());
            assertEquals("sharegpt: \"conversations\" must be a non-empty list", r.problems().get(1).reason());
            assertEquals("openai: no user turn answered by the assistant", r.problems().get(2).reason());
            assertEquals(5, r.captured(), "1 correction + 2 ShareGPT exchanges + 1 capture + 1 OpenAI exchange");

            List<Sample> samples = h.samples(Source.DISTILL);
            assertEquals(5, samples.size());
            Sample correction = samples.stream().filter(s -> "correction".equals(s.meta().get("kind"))).findFirst()
                    .orElseThrow();
            assertEquals("How do I reverse a list in Python?", correction.messages().get(0).content());
            assertEquals(2, correction.messages().size(), "the question and the corrected answer only");
            assertTrue(correction.messages().get(1).content().startsWith("Right: use xs[::-1]"));
            assertTrue(String.valueOf(correction.meta().get("correction_explanation")).contains(
                    "reversed() returns an iterator"), correction.meta().toString());
            assertEquals(1, samples.stream().filter(s -> "correction".equals(s.meta().get("kind"))).count(),
                    "the wrong answer is not also kept as a plain answer");

            List<String> pairs = Files.readAllLines(h.home.preferencePairs());
            assertEquals(1, pairs.size());
            JsonNode pair = Json.mapper().readTree(pairs.get(0));
            assertEquals("How do I reverse a list in Python?", pair.get("prompt").asText());
            assertEquals("Use reversed(xs), it returns a list.", pair.get("rejected").asText());
            assertTrue(pair.get("chosen").asText().startsWith("Right: use xs[::-1]"));
        }
    }

    @Test
    void onlyAUserTurnThatCorrectsMakesACorrection() {
        for (String s : List.of("No, that is wrong", "that's not right", "This doesn't compile: missing import",
                "Actually the API changed", "wrong - it returns null", "You're wrong about that", "Fix the off-by-one")) {
            assertTrue(TranscriptReader.CORRECTION.matcher(s).find(), s);
        }
        for (String s : List.of("Now add tests", "Nothing else?", "Notice how it fails", "And the other case?",
                "Thanks, that works")) {
            assertTrue(!TranscriptReader.CORRECTION.matcher(s).find(), s);
        }
        TranscriptReader.Result r = TranscriptReader.read("{\"messages\":[{\"role\":\"user\",\"content\":\"a?\"},"
                + "{\"role\":\"assistant\",\"content\":\"A\"},{\"role\":\"user\",\"content\":\"Now b?\"},"
                + "{\"role\":\"assistant\",\"content\":\"B\"}]}");
        assertEquals(2, r.captures().size());
        assertNull(r.captures().get(1).correction());
        assertEquals("Now b?", r.captures().get(1).prompt());
    }
}
