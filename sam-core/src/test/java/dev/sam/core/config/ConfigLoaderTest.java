package dev.sam.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void missingFileGivesTheDefaultsOfTheOriginalPipeline() {
        SamConfig c = ConfigLoader.load(dir.resolve("config.yaml"));
        assertEquals(100, c.training().minSamples());
        TrainingProfile p = c.profile("8gb");
        assertEquals(8, p.loraLayers());
        assertEquals(4, p.rank());
        assertEquals(2.0, p.scale());
        assertEquals(512, p.maxSeqLength());
        assertEquals(List.of("q_proj", "k_proj", "v_proj", "o_proj"), p.targets());
        TrainingProfile full = c.profile("full");
        assertEquals(-1, full.loraLayers());
        assertEquals(2048, full.maxSeqLength());
        assertEquals(0.15, c.rollback().maxErrorRate());
        assertEquals(5000, c.rollback().maxMeanLatencyMs());
        assertEquals(6.0, c.rollback().maxMemoryGb());
    }

    @Test
    void fileOverridesSomeKeysAndKeepsTheRest() {
        SamConfig c = ConfigLoader.parse("""
                training:
                  min_samples: 20
                  profiles:
                    8gb: {epochs: 2}
                    mine: {base_model: tiny, max_seq_length: 128}
                serve: {port: 9000}
                """, dir.resolve("config.yaml"));
        assertEquals(20, c.training().minSamples());
        assertEquals(2, c.profile("8gb").epochs());
        assertEquals(4, c.profile("8gb").rank(), "untouched keys keep their defaults");
        assertEquals("tiny", c.profile("mine").baseModel());
        assertEquals(128, c.profile("mine").maxSeqLength());
        assertEquals(8, c.profile("mine").loraLayers(), "new profiles start from 8gb");
        assertEquals(-1, c.profile("tiny").loraLayers(), "the built-in tiny profile adapts every layer");
        assertEquals(9000, c.serve().port());
        assertEquals("127.0.0.1", c.serve().host());
    }

    @Test
    void allowedHostsAndFimRateAreReadAndChecked() {
        SamConfig c = ConfigLoader.parse("serve: {allowed_hosts: [host.docker.internal]}\ncollect: {fim_rate: 0.9}\n",
                dir.resolve("config.yaml"));
        assertEquals(java.util.List.of("host.docker.internal"), c.serve().allowedHosts());
        assertEquals(0.9, c.collect().fimRate());
        assertEquals(java.util.List.of(), SamConfig.defaults().serve().allowedHosts());
        assertEquals(0.5, SamConfig.defaults().collect().fimRate());
        for (String bad : new String[] {"'*.example'", "'http://x'", "'x:80'"}) {
            SamException e = assertThrows(SamException.class, () -> ConfigLoader.parse("serve: {allowed_hosts: ["
                    + bad + "]}\n", dir.resolve("c.yaml")));
            assertTrue(e.getMessage().contains("serve.allowed_hosts") && e.getMessage().contains("not a host name"),
                    e.getMessage());
        }
        SamException e = assertThrows(SamException.class, () -> ConfigLoader.parse("collect: {fim_rate: 2}\n",
                dir.resolve("c.yaml")));
        assertTrue(e.getMessage().contains("collect.fim_rate"), e.getMessage());
    }

    @Test
    void unknownKeyIsNamed() {
        SamException e = assertThrows(SamException.class, () -> ConfigLoader.parse("""
                training:
                  profiles:
                    8gb: {rnak: 8}
                """, dir.resolve("config.yaml")));
        assertTrue(e.getMessage().contains("training.profiles.8gb.rnak"), e.getMessage());
        assertTrue(e.hint().contains("rank"), e.hint());
        assertEquals(ExitCode.USAGE, e.exitCode(), "a mistake in config.yaml is bad input, like a bad flag");
    }

    @Test
    void badValueTypeIsNamed() {
        SamException e = assertThrows(SamException.class,
                () -> ConfigLoader.parse("rollback: {min_requests: many}\n", dir.resolve("c.yaml")));
        assertTrue(e.getMessage().contains("rollback.min_requests"), e.getMessage());
    }

    @Test
    void outOfRangeValueIsNamedWithTheValue() {
        SamException e = assertThrows(SamException.class,
                () -> ConfigLoader.parse("rollback: {max_error_rate: 1.5}\n", dir.resolve("c.yaml")));
        assertTrue(e.getMessage().contains("rollback.max_error_rate") && e.getMessage().contains("1.5"),
                e.getMessage());
    }

    @Test
    void serveLimitsAndChatTokenAreSettings() {
        SamConfig d = SamConfig.defaults();
        assertEquals(false, d.serve().requireTokenForChat());
        assertEquals(new SamConfig.Serve.Limits(10, 30, 30, 256, 64), d.serve().limits());
        SamConfig c = ConfigLoader.parse("serve:\n  require_token_for_chat: true\n  limits:\n"
                + "    header_timeout_seconds: 5\n    max_connections_per_client: 8\n", dir.resolve("c.yaml"));
        assertTrue(c.serve().requireTokenForChat());
        assertEquals(new SamConfig.Serve.Limits(5, 30, 30, 256, 8), c.serve().limits());
        SamException e = assertThrows(SamException.class, () -> ConfigLoader.parse(
                "serve: {limits: {max_connections: 4, max_connections_per_client: 8}}\n", dir.resolve("c.yaml")));
        assertTrue(e.getMessage().contains("max_connections_per_client (8) <= max_connections (4)"), e.getMessage());
        e = assertThrows(SamException.class, () -> ConfigLoader.parse("serve: {limits: {header_timeout: 5}}\n",
                dir.resolve("c.yaml")));
        assertTrue(e.getMessage().contains("serve.limits.header_timeout"), e.getMessage());
    }

    @Test
    void brokenYamlSaysWhereAndLeavesTheFileAlone() throws Exception {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, "training:\n  min_samples: [1,\n");
        SamException e = assertThrows(SamException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().contains("line"), e.getMessage());
        assertEquals("training:\n  min_samples: [1,\n", Files.readString(f));
    }

    @Test
    void unknownProfileIsAUsageErrorListingTheKnownOnes() {
        SamException e = assertThrows(SamException.class, () -> SamConfig.defaults().profile("8GB"));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.hint().contains("8gb") && e.hint().contains("full"));
    }

    @Test
    void cycleKeysHaveDefaultsAndAreRead() {
        SamConfig.Cycle d = SamConfig.defaults().cycle();
        assertEquals(50, d.minNewSamples());
        assertEquals(1.0, d.replayRatio());
        assertEquals(20, d.canaryTraffic());
        SamConfig.Cycle c = ConfigLoader.parse("cycle: {min_new_samples: 5, replay_ratio: 0.5, canary_max_age: never,"
                + " train_on_corrections: true}\n", dir.resolve("c.yaml")).cycle();
        assertEquals(5, c.minNewSamples());
        assertEquals(0.5, c.replayRatio());
        assertEquals("never", c.canaryMaxAge());
        assertTrue(c.trainOnCorrections());
        assertEquals(20, c.canaryMinRequests(), "keys not given keep their defaults");
    }

    @Test
    void unknownOrOutOfRangeCycleKeyIsAUsageErrorNamingTheKey() {
        for (String[] bad : new String[][] {{"cycle: {min_new_sample: 5}\n", "cycle.min_new_sample"},
                {"cycle: {canary_traffic: 100}\n", "cycle.canary_traffic"},
                {"cycle: {replay_ratio: -1}\n", "cycle.replay_ratio"},
                {"cycle: {min_new_samples: 0}\n", "cycle.min_new_samples"},
                {"cycle: {canary_max_age: 3 weeks}\n", "cycle.canary_max_age"}}) {
            SamException e = assertThrows(SamException.class, () -> ConfigLoader.parse(bad[0], dir.resolve("c.yaml")));
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
            assertEquals(ExitCode.USAGE, e.exitCode(), bad[0]);
        }
    }
}
