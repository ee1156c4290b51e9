package dev.sam.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** manifest.json with the committed length of each file; older manifests without it still read. */
class ManifestJsonTest {
    @Test
    void filesRoundTripWithSnakeCaseKeys() throws Exception {
        Manifest m = new Manifest(Map.of("commits", new SourceStats(2, Map.of("merge", 1L), "2026-01-01T00:00:00")), 2,
                0, 0, Map.of("commits", Map.of("/repo/.git", "abc")), "2026-01-01T00:00:00",
                Map.of("commits/commit_messages.jsonl", new Manifest.DataFile(123, 2)));
        String json = Json.write(m);
        assertTrue(json.contains("\"files\":{\"commits/commit_messages.jsonl\":{\"bytes\":123,\"records\":2}}"), json);
        assertEquals(m, Json.mapper().readValue(json, Manifest.class));
    }

    @Test
    void aManifestWithoutFilesReadsWithAnEmptyMap() throws Exception {
        Manifest m = Json.mapper().readValue("{\"total_samples\": 5, \"sources\": {}}", Manifest.class);
        assertEquals(5, m.totalSamples());
        assertEquals(Map.of(), m.files());
        assertEquals(Map.of(), new Manifest(Map.of(), 0, 0, 0, Map.of(), null).files());
    }
}
