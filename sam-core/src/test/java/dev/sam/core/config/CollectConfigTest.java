package dev.sam.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The collect section: inputs of `sam collect` with their defaults. */
class CollectConfigTest {
    @Test
    void inputsDefaultToEmptyAndCanBeSet() {
        SamConfig.Collect d = SamConfig.defaults().collect();
        assertEquals(List.of(), d.repos());
        assertEquals(List.of(), d.routingLogs());
        assertEquals(0.85, d.nearDuplicateThreshold());
        SamConfig.Collect c = ConfigLoader.parse("""
                collect:
                  repos: [~/code/app]
                  docs: [notes]
                  routing_logs: [logs/routing.jsonl]
                  since: 30d
                """, Path.of("config.yaml")).collect();
        assertEquals(List.of("~/code/app"), c.repos());
        assertEquals(List.of("logs/routing.jsonl"), c.routingLogs());
        assertEquals("30d", c.since());
        assertEquals(2000, c.maxDiffLines(), "untouched keys keep their defaults");
    }
}
