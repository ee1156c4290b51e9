package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.status.StatusService;
import dev.sam.core.store.Event;
import dev.sam.core.store.EventRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Rollback (original spec "Rollback" tests) and canary releases: start, adjust, promote, abort. */
class RollbackCanaryTest extends WithDeployFixture {
    private VersionStatus status(String v) {
        return f.version(v).status();
    }

    @Test
    void rollbackGoesToThePreviousAndSkipsRolledBackOnes() throws Exception {
        f.deploy();
        f.deploy();
        f.deploy();
        RollbackResult r = new Rollback(f.ctx).toPrevious("looks worse");
        assertEquals("v1.0.2", r.from());
        assertEquals("v1.0.1", r.to());
        assertEquals(VersionStatus.ROLLED_BACK, status("v1.0.2"));
        assertEquals(VersionStatus.ACTIVE, status("v1.0.1"));
        f.assertConsistent();
        assertEquals("v1.0.0", new Rollback(f.ctx).toPrevious(null).to());
        SamException none = assertThrows(SamException.class, () -> new Rollback(f.ctx).toPrevious(null));
        assertEquals(ExitCode.NOT_READY, none.exitCode());
        assertTrue(none.getMessage().startsWith("nothing to roll back: v1.0.0 is active"), none.getMessage());
        assertTrue(none.getMessage().contains("rolled-back versions are skipped"), none.getMessage());
        Event e = new EventRepository(f.db).recent("rollback", 5).get(1);
        assertEquals("rolled back from v1.0.2 to v1.0.1: looks worse", e.message());
        assertEquals("looks worse", e.data().get("reason"));
    }

    @Test
    void rollbackToANamedVersionThenPreviousFollowsActivationHistory() throws Exception {
        f.deploy();
        f.deploy();
        f.deploy();
        assertEquals("v1.0.0", new Rollback(f.ctx).to("v1.0.0", null).to());
        assertEquals(VersionStatus.ROLLED_BACK, status("v1.0.2"));
        assertEquals(VersionStatus.RETIRED, status("v1.0.1"));
        assertEquals("v1.0.1", new Rollback(f.ctx).toPrevious(null).to());
        // a rolled-back version can still be named
        assertEquals("v1.0.2", new Rollback(f.ctx).to("v1.0.2", null).to());
        f.assertConsistent();
    }

    @Test
    void nothingToRollBack() throws Exception {
        SamException empty = assertThrows(SamException.class, () -> new Rollback(f.ctx).toPrevious(null));
        assertEquals("nothing to roll back: no version is deployed", empty.getMessage());
        f.deploy();
        SamException single = assertThrows(SamException.class, () -> new Rollback(f.ctx).toPrevious(null));
        assertEquals(ExitCode.NOT_READY, single.exitCode());
        SamException self = assertThrows(SamException.class, () -> new Rollback(f.ctx).to("v1.0.0", null));
        assertEquals("v1.0.0 is already the active version", self.getMessage());
        SamException unknown = assertThrows(SamException.class, () -> new Rollback(f.ctx).to("v9.9.9", null));
        assertEquals("no version v9.9.9 (known: v1.0.0)", unknown.getMessage());
    }

    @Test
    void tamperedVersionIsRefusedNamingTheFile() throws Exception {
        f.deploy();
        f.deploy();
        Path w = f.home.versionDir("v1.0.0").resolve("adapters/adapters.safetensors");
        byte[] b = Files.readAllBytes(w);
        b[100] ^= 1;
        Files.write(w, b);
        SamException e = assertThrows(SamException.class, () -> new Rollback(f.ctx).toPrevious(null));
        assertTrue(e.getMessage().startsWith("refusing to roll back to v1.0.0"), e.getMessage());
        assertTrue(e.getMessage().contains("adapters/adapters.safetensors differs"), e.getMessage());
        assertEquals(VersionStatus.ACTIVE, status("v1.0.1"), "nothing changed");
        assertEquals("v1.0.1\n", Files.readString(f.home.currentTxt()));
    }

    @Test
    void canaryStartsAdjustsAndIsPromoted() throws Exception {
        f.deploy();
        DeployResult c = new Canary(f.ctx).start(DeployRequest.ofPath(f.adapters()).asCanary(10), ProgressListener.NONE);
        assertEquals("v1.0.1", c.version().version());
        assertEquals(VersionStatus.CANARY, status("v1.0.1"));
        assertEquals(10, f.version("v1.0.1").canaryTraffic());
        assertNull(f.version("v1.0.1").deployedAt(), "a canary is not deployed until promoted");
        assertEquals("v1.0.0\n", Files.readString(f.home.currentTxt()), "the active version keeps serving");
        f.assertConsistent();

        SamException second = assertThrows(SamException.class, () -> new Canary(f.ctx).start(
                DeployRequest.ofPath(f.adapters()).asCanary(5), ProgressListener.NONE));
        assertTrue(second.getMessage().contains("canary v1.0.1 is running (10% of traffic)"), second.getMessage());
        SamException deploy = assertThrows(SamException.class, () -> f.deploy());
        assertTrue(deploy.getMessage().contains("`sam promote` or `sam canary abort` first"), deploy.getMessage());

        Canary.Change ch = new Canary(f.ctx).adjust(25);
        assertEquals(10, ch.trafficBefore());
        assertEquals(25, f.version("v1.0.1").canaryTraffic());
        var status = new StatusService(f.home, f.ctx.config(), f.db).status().deployment();
        assertEquals(25, status.canaryTraffic(), "sam status reads the share");
        assertEquals(ExitCode.USAGE, assertThrows(SamException.class, () -> new Canary(f.ctx).adjust(100)).exitCode());

        Promoter.Result p = new Promoter(f.ctx).promote();
        assertEquals("v1.0.1", p.promoted());
        assertEquals("v1.0.0", p.previous());
        assertEquals(25, p.canaryTraffic());
        assertEquals(VersionStatus.ACTIVE, status("v1.0.1"));
        assertEquals(VersionStatus.RETIRED, status("v1.0.0"));
        assertEquals(null, f.version("v1.0.1").canaryTraffic());
        assertFalse(f.version("v1.0.1").fileMetrics().containsKey(ModelVersion.CANARY_TRAFFIC_KEY));
        assertEquals("v1.0.1\n", Files.readString(f.home.currentTxt()));
        f.assertConsistent();
        assertEquals(1, new EventRepository(f.db).count("promote"));
        assertEquals(1, new EventRepository(f.db).count("canary_adjust"));
        // after promotion a rollback returns to the version the canary replaced
        assertEquals("v1.0.0", new Rollback(f.ctx).toPrevious(null).to());
    }

    @Test
    void canaryAbortLeavesTheActiveVersionAlone() throws Exception {
        f.deploy();
        new Canary(f.ctx).start(DeployRequest.ofPath(f.adapters()).asCanary(30), ProgressListener.NONE);
        Canary.Change a = new Canary(f.ctx).automatic().abort("error rate 50% > 15%");
        assertEquals("v1.0.1", a.version());
        assertEquals(VersionStatus.ROLLED_BACK, status("v1.0.1"));
        assertEquals(VersionStatus.ACTIVE, status("v1.0.0"));
        Event e = new EventRepository(f.db).recent("auto_rollback", 1).get(0);
        assertEquals("canary v1.0.1 aborted: error rate 50% > 15%", e.message());
        assertEquals(ExitCode.NOT_READY, assertThrows(SamException.class, () -> new Canary(f.ctx).abort(null)).exitCode());
        assertEquals(ExitCode.NOT_READY, assertThrows(SamException.class, () -> new Promoter(f.ctx).promote()).exitCode());
        f.assertConsistent();
    }

    @Test
    void canaryNeedsAnActiveVersionAndATrafficShareInRange() throws Exception {
        SamException e = assertThrows(SamException.class, () -> new Canary(f.ctx).start(
                DeployRequest.ofPath(f.adapters()).asCanary(10), ProgressListener.NONE));
        assertTrue(e.getMessage().contains("no active version to run a canary against"), e.getMessage());
        SamException range = assertThrows(SamException.class, () -> new Canary(f.ctx).start(
                DeployRequest.ofPath(f.adapters()).asCanary(0), ProgressListener.NONE));
        assertEquals(ExitCode.USAGE, range.exitCode());
    }
}
