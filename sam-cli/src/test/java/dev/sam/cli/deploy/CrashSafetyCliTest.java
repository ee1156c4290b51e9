package dev.sam.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.io.Faults;
import dev.sam.core.json.Json;
import dev.sam.core.progress.ProgressListener;
import dev.sam.deploy.Canary;
import dev.sam.deploy.DeployRequest;
import dev.sam.deploy.FaultPoints;
import dev.sam.deploy.StoreVerifier;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash safety: the real CLI in a child JVM halts like kill -9 ({@code SAM_FAULT_AT}) at every step
 * of deploy, rollback and promote. Afterwards versions.json names exactly one active version (the old
 * or the new one), no version directory is half-copied under its final name, and `sam verify --repair`
 * brings current.txt, the symlink and sam.db into agreement.
 */
class CrashSafetyCliTest {
    @TempDir
    Path tmp;

    static Stream<String> deployPoints() {
        return FaultPoints.deploy().stream();
    }

    static Stream<String> rollbackPoints() {
        return FaultPoints.rollback().stream();
    }

    static Stream<String> promotePoints() {
        return FaultPoints.promote().stream();
    }

    private static void killedAt(DeployHome h, String point, String... args) throws Exception {
        CliRunner.Result r = new CliRunner(h.root).env(Faults.ENV_AT, point).run(args);
        assertEquals(137, r.exitCode(), "halted at " + point + ": " + r);
        assertTrue(r.stderr().contains("fault injected at " + point), r.stderr());
    }

    private static void recovers(DeployHome h, Set<String> oldOrNew) throws Exception {
        assertTrue(oldOrNew.contains(h.active()), "old or new version active, got " + h.active());
        h.assertNoHalfCopiedVersion();
        CliRunner.Result repair = h.cli.run("verify", "--repair", "--json");
        assertEquals(0, repair.exitCode(), repair.toString());
        JsonNode report = Json.mapper().readTree(repair.stdout());
        assertTrue(report.get("consistent").asBoolean(), repair.stdout());
        h.assertConsistent();
        var again = h.inProcess(c -> new StoreVerifier(c).verify(false));
        assertEquals(java.util.List.of(), again.findings(), "a second verify finds nothing");
    }

    @ParameterizedTest
    @MethodSource("deployPoints")
    void deploy(String point) throws Exception {
        DeployHome h = new DeployHome(tmp);
        h.deployInProcess(1);
        killedAt(h, point, "deploy", h.adapters().toString());
        recovers(h, Set.of("v1.0.0", "v1.0.1"));
    }

    @ParameterizedTest
    @MethodSource("rollbackPoints")
    void rollback(String point) throws Exception {
        DeployHome h = new DeployHome(tmp);
        h.deployInProcess(2);
        killedAt(h, point, "rollback");
        recovers(h, Set.of("v1.0.0", "v1.0.1"));
    }

    @ParameterizedTest
    @MethodSource("promotePoints")
    void promote(String point) throws Exception {
        DeployHome h = new DeployHome(tmp);
        h.deployInProcess(1);
        Path candidate = h.adapters();
        h.inProcess(c -> new Canary(c).start(DeployRequest.ofPath(candidate).asCanary(10), ProgressListener.NONE));
        killedAt(h, point, "promote");
        recovers(h, Set.of("v1.0.0", "v1.0.1"));
    }
}
