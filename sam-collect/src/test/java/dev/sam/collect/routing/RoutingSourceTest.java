package dev.sam.collect.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.collect.CollectReport;
import dev.sam.collect.CollectRequest;
import dev.sam.collect.Harness;
import dev.sam.collect.Reasons;
import dev.sam.collect.Source;
import dev.sam.collect.SourceReport;
import dev.sam.core.model.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routing logs become classification samples, incrementally. */
class RoutingSourceTest {
    @TempDir
    Path tmp;

    @Test
    void successfulRoutesBecomeSamplesAndTheLogIsReadIncrementally() throws Exception {
        Path log = tmp.resolve("routing.jsonl");
        Files.writeString(log, """
                {"task": "Fix the failing unit test in the parser module", "route": "code", "outcome": "success"}
                {"task": "Summarize yesterday's standup notes", "route": "writer", "outcome": "failure"}
                {"task": "Explain the deployment rollback steps", "route": "docs", "outcome": true}
                not json
                {"task": "Rename the variable", "outcome": "success"}
                {"task": "Partial line still being writ""");
        try (Harness h = new Harness(tmp)) {
            CollectReport r = collect(h, log);
            SourceReport s = h.report(r, Source.ROUTING);
            assertEquals(Map.of(Reasons.FAILED_OUTCOME, 1L, Reasons.INVALID_JSON, 1L, Reasons.MISSING_FIELD, 1L),
                    s.rejects());
            List<Sample> samples = h.samples(Source.ROUTING);
            assertEquals(List.of("code", "docs"), samples.stream().map(Sample::output).toList());
            assertEquals("Fix the failing unit test in the parser module", samples.get(0).input());
            assertTrue(s.notes().get(0).contains("line 4: invalid JSON"), s.notes().toString());

            Files.writeString(log, "ten\", \"route\": \"code\", \"outcome\": \"ok\"}\n", StandardOpenOption.APPEND);
            CollectReport again = collect(h, log);
            assertEquals(1, again.added(), "only the line completed since");
            assertEquals(1, h.report(again, Source.ROUTING).scanned());
            assertEquals(0, collect(h, log).added());
        }
    }

    private static CollectReport collect(Harness h, Path log) {
        return h.collect(new CollectRequest(Set.of(Source.ROUTING), null, null, List.of(log), null, false));
    }
}
