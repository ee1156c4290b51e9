package dev.sam.core.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reader's shape rules and the collector's stricter storage rules, and the origin fallback. */
class SampleValidatorTest {
    private static final SampleValidator STORE = new SampleValidator(0.3);

    private static Sample alpaca(String instruction, String input, String output, double q) {
        return Sample.alpaca("id", "commits", q, "2026-01-01T00:00:00Z", instruction, input, output, null);
    }

    private static Sample chat(ChatMessage... m) {
        return Sample.chat("id", "distill", 0.9, "2026-01-01T00:00:00Z", List.of(m), null);
    }

    @Test
    void storageRulesAreTheShapeRulesPlusMetadataLengthAndQuality() {
        assertNull(STORE.problem(alpaca("Explain this change", "", "It fixes the login.", 0.8)));
        assertEquals("empty", STORE.problem(alpaca("Explain this change", "", " ", 0.8)));
        assertEquals("empty output", SampleValidator.shape(alpaca("Explain this change", "", " ", 0.8)).label());
        assertEquals("too_short", STORE.problem(alpaca("fix", "", "done", 0.8)));
        assertNull(SampleValidator.shape(alpaca("fix", "", "done", 0.8)), "a reader takes a short instruction");
        assertEquals("low_quality", STORE.problem(alpaca("Explain this change", "", "It fixes it.", 0.1)));
        assertEquals("too_long", STORE.problem(alpaca("Explain this change", "x".repeat(12_000), "ok", 0.8)));
        assertEquals("missing_field", STORE.problem(new Sample(null, "commits", 0.8, "t", "Explain this change", "",
                "ok", null, null)));
        ChatMessage user = new ChatMessage("user", "hi");
        ChatMessage answer = new ChatMessage("assistant", "hello");
        assertNull(STORE.problem(chat(user, answer)));
        assertEquals("no assistant answer", SampleValidator.shape(chat(answer, user)).label());
        assertEquals("missing_field", STORE.problem(chat(answer, user)));
        ChatMessage tool = new ChatMessage("tool", "ok");
        assertNull(SampleValidator.shape(chat(user, tool, answer)), "mlx-lm data may carry tool turns");
        assertEquals("missing_field", STORE.problem(chat(user, tool, answer)), "collected samples have none");
        assertEquals("missing_field", STORE.problem(chat(new ChatMessage("system", "s"), answer)), "no user turn");
    }

    @Test
    void readerTakesSamOriginalAndMlxLinesAndExplainsTheRest() throws Exception {
        SampleReader.Read r = SampleReader.read(Json.mapper().readTree(
                "{\"prompt\":\"2+2?\",\"completion\":\"4\",\"quality\":0.5}"));
        assertEquals(List.of(new ChatMessage("user", "2+2?"), new ChatMessage("assistant", "4")), r.sample().messages());
        SampleReader.Read bad = SampleReader.read(Json.mapper().readTree("{\"messages\":\"not a list\"}"));
        assertEquals("invalid sample", bad.problem().label());
        assertNull(SampleReader.read(Json.mapper().readTree("{\"text\":\"plain\"}")));
    }

    @Test
    void originIsDeclaredOrDerivedFromEachCollectorsMetadata() {
        Sample s = alpaca("Write the commit message.", "diff", "msg", 0.8);
        assertNull(SampleOrigin.of(s));
        assertEquals("x", SampleOrigin.of(s.withOrigin("x")));
        assertEquals(SampleOrigin.commit("app", "9a1e"), SampleOrigin.of(with(s, Map.of("repo", "app", "commit", "9a1e"))));
        assertEquals("code:app/src/A.java#run", SampleOrigin.of(with(s, Map.of("repo", "app", "path", "src/A.java",
                "name", "run", "task", "implement"))));
        assertEquals("doc:app/README.md#Usage > Flags", SampleOrigin.of(with(s, Map.of("project", "app",
                "file", "README.md", "section", "Usage > Flags"))));
        assertEquals("session:s1", SampleOrigin.of(with(s, Map.of("session_id", "s1", "capture_id", 3))));
        assertEquals("capture:3", SampleOrigin.of(with(s, Map.of("capture_id", 3))));
        Sample route = Sample.alpaca("id", "routing", 0.7, "t", "Which model?", "Refactor  the Parser", "local",
                Map.of("task_type", "routing"));
        assertEquals(SampleOrigin.routing("refactor the parser"), SampleOrigin.of(route));
    }

    private static Sample with(Sample s, Map<String, Object> meta) {
        return new Sample(s.id(), s.source(), s.quality(), s.createdAt(), s.instruction(), s.input(), s.output(),
                s.messages(), meta);
    }
}
