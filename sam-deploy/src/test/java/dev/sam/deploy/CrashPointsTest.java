package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.io.Faults;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.progress.ProgressListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * In-process crash points (SAM_FAULT_MODE=throw): after a failure at any step, versions.json holds
 * exactly one active version, the old or the new one, and `verify --repair` makes everything agree.
 * The kill -9 variant of the same runs the real CLI in child JVMs (sam-cli CrashSafetyIT).
 */
class CrashPointsTest {
    @TempDir
    Path tmp;

    @AfterEach
    void reset() {
        Faults.useEnvironment(System.getenv());
    }

    static Stream<String> deployPoints() {
        return FaultPoints.deploy().stream();
    }

    static Stream<String> rollbackPoints() {
        return FaultPoints.rollback().stream();
    }

    static Stream<String> promotePoints() {
        return FaultPoints.promote().stream();
    }

    private void failAt(String point, Runnable op) {
        Faults.useEnvironment(Map.of(Faults.ENV_AT, point, Faults.ENV_MODE, "throw"));
        assertThrows(Faults.InjectedFault.class, op::run);
        Faults.useEnvironment(Map.of());
    }

    private static void assertOneOf(DeployFixture f, Set<String> allowed) {
        List<ModelVersion> active = f.state().versions().stream().filter(v -> v.status() == VersionStatus.ACTIVE)
                .toList();
        assertEquals(1, active.size(), "versions.json has exactly one active version");
        assertTrue(allowed.contains(active.get(0).version()), active.get(0).version() + " in " + allowed);
        VerifyReport r = new StoreVerifier(f.ctx).verify(true);
        assertTrue(r.consistent(), r.findings().toString());
        f.assertConsistent();
    }

    @ParameterizedTest
    @MethodSource("deployPoints")
    void deploy(String point) throws Exception {
        try (DeployFixture f = new DeployFixture(tmp)) {
            f.deploy();
            Path next = f.adapters();
            failAt(point, () -> new Deployer(f.ctx).deploy(DeployRequest.ofPath(next), ProgressListener.NONE));
            assertOneOf(f, Set.of("v1.0.0", "v1.0.1"));
            String expected = dev.sam.deploy.store.VersionNumbers.next(f.state().names());
            assertEquals(expected, f.deploy().version().version(), "the next deploy works");
            f.assertConsistent();
        }
    }

    @ParameterizedTest
    @MethodSource("rollbackPoints")
    void rollback(String point) throws Exception {
        try (DeployFixture f = new DeployFixture(tmp)) {
            f.deploy();
            f.deploy();
            failAt(point, () -> new Rollback(f.ctx).toPrevious("test"));
            assertOneOf(f, Set.of("v1.0.0", "v1.0.1"));
        }
    }

    @ParameterizedTest
    @MethodSource("promotePoints")
    void promote(String point) throws Exception {
        try (DeployFixture f = new DeployFixture(tmp)) {
            f.deploy();
            new Canary(f.ctx).start(DeployRequest.ofPath(f.adapters()).asCanary(20), ProgressListener.NONE);
            failAt(point, () -> new Promoter(f.ctx).promote());
            assertOneOf(f, Set.of("v1.0.0", "v1.0.1"));
        }
    }
}
