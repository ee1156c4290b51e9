package dev.sam.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordsJsonTest {

    @Test
    void trainingRunRoundTripsWithSnakeCaseKeys() throws Exception {
        TrainingRun r = TrainingRun.pending("20260125_100000", "2026-01-25T10:00:00", 500, "tiny", "8gb", "/x/runs/1")
                .withStatus(RunStatus.TRAINING, null, null)
                .withMetrics(Map.of("train_loss", 0.5, "steps", 10));
        String json = Json.write(r);
        JsonNode tree = Json.mapper().readTree(json);
        assertEquals("20260125_100000", tree.get("run_id").asText());
        assertEquals("training", tree.get("status").asText());
        assertEquals(500, tree.get("samples_count").asInt());
        assertFalse(tree.has("end_time"), "nulls are left out");
        TrainingRun back = Json.mapper().readValue(json, TrainingRun.class);
        assertEquals(r, back);
        assertEquals(0.5, ((Number) back.metrics().get("train_loss")).doubleValue());
    }

    @Test
    void versionsJsonFromTheOriginalToolIsReadIgnoringUnknownFields() throws Exception {
        // As written by the original model_deployment.py (asdict of its dataclass) plus a field SAM does not know.
        String old = """
                [{"version": "v1.0.0", "created_at": "2026-01-20T09:00:00", "deployed_at": "2026-01-20T09:01:00",
                  "status": "active", "base_model": "mlx-community/Qwen2.5-Coder-1.5B-Instruct-4bit",
                  "adapter_path": "/Volumes/David External/SAM_models/versions/v1.0.0/adapters",
                  "training_run_id": "20260120_080000", "training_samples": 321, "metrics": {"val_loss": 1.2},
                  "checksum": "abc", "future_field": {"x": 1}}]""";
        List<ModelVersion> l = Json.mapper().readValue(old, new TypeReference<List<ModelVersion>>() { });
        assertEquals(1, l.size());
        ModelVersion v = l.get(0);
        assertEquals(VersionStatus.ACTIVE, v.status());
        assertEquals(321, v.trainingSamples());
        assertEquals(null, v.description());
        JsonNode written = Json.tree(v);
        for (String key : List.of("version", "created_at", "deployed_at", "status", "base_model", "adapter_path",
                "training_run_id", "training_samples", "metrics", "checksum")) {
            assertTrue(written.has(key), "original key kept: " + key);
        }
    }

    @Test
    void sampleFormatsWriteOnlyTheirOwnFields() throws Exception {
        Sample a = Sample.alpaca("id1", "commits", 0.8, "2026-01-01T00:00:00", "Write the commit message", "diff",
                "Fix bug", Map.of("repo", "x"));
        JsonNode t = Json.tree(a);
        assertTrue(t.has("instruction") && t.has("input") && t.has("output"));
        assertFalse(t.has("messages"));
        Sample c = Sample.chat("id2", "distillation", 1.0, "2026-01-01T00:00:00",
                List.of(new ChatMessage("user", "q"), new ChatMessage("assistant", "a")), null);
        JsonNode tc = Json.tree(c);
        assertTrue(tc.has("messages"));
        assertFalse(tc.has("instruction"));
        assertEquals(c, Json.mapper().readValue(Json.write(c), Sample.class));
        assertEquals(List.of(new ChatMessage("user", "Write the commit message\n\ndiff"),
                new ChatMessage("assistant", "Fix bug")), a.asMessages());
    }

    @Test
    void runTransitionsFollowTheLifecycle() {
        TrainingRun r = TrainingRun.pending("1", "t", 1, "b", "8gb", "o");
        TrainingRun t = r.withStatus(RunStatus.TRAINING, null, null);
        TrainingRun done = t.withStatus(RunStatus.COMPLETED, "t2", null);
        assertThrows(IllegalTransitionException.class, () -> done.withStatus(RunStatus.TRAINING, null, null));
        assertThrows(IllegalTransitionException.class, () -> r.withStatus(RunStatus.COMPLETED, null, null));
        TrainingRun failed = t.withStatus(RunStatus.FAILED, "t3", "interrupted");
        assertEquals(RunStatus.TRAINING, failed.withStatus(RunStatus.TRAINING, null, null).status(), "resume");
    }

    @Test
    void versionTransitionsFollowTheLifecycle() {
        ModelVersion canary = new ModelVersion("v1.0.1", "t", null, VersionStatus.CANARY, "b", "p", "r", 1, null, "c",
                null);
        assertEquals(VersionStatus.ACTIVE, canary.withStatus(VersionStatus.ACTIVE, "t2").status());
        assertEquals("t2", canary.withStatus(VersionStatus.ACTIVE, "t2").deployedAt());
        assertThrows(IllegalTransitionException.class, () -> canary.withStatus(VersionStatus.RETIRED, null));
        ModelVersion active = canary.withStatus(VersionStatus.ACTIVE, "t2");
        assertThrows(IllegalTransitionException.class, () -> active.withStatus(VersionStatus.CANARY, null));
        assertThrows(IllegalTransitionException.class, () -> active.withStatus(VersionStatus.ACTIVE, null));
        assertEquals(VersionStatus.ACTIVE,
                active.withStatus(VersionStatus.ROLLED_BACK, null).withStatus(VersionStatus.ACTIVE, "t3").status());
    }
}
