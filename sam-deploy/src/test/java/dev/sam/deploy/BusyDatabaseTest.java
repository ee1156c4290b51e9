package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.VersionStatus;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Database;
import dev.sam.core.store.EventRepository;
import dev.sam.core.store.VersionRepository;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue: with sam.db locked by another process past the busy timeout, deploy and rollback exited 1
 * (SQLITE_BUSY) although versions.json had already made the change live. Now the operation succeeds,
 * says that sam.db lags, and {@code sam verify --repair} reconciles it. A second JDBC connection holds
 * an EXCLUSIVE transaction, as another process would; the deploying connection waits 200 ms, not 30 s.
 */
class BusyDatabaseTest extends WithDeployFixture {

    @Test
    void deployAndRollbackSucceedWithAWarningWhileSamDbIsLockedAndRepairReconciles() throws Exception {
        f.deploy();
        f.deploy();
        try (Database impatient = Database.open(f.home.database(), Duration.ofMillis(200));
             Connection holder = DriverManager.getConnection("jdbc:sqlite:" + f.home.database());
             Statement st = holder.createStatement()) {
            DeployContext ctx = new DeployContext(f.home, impatient, f.ctx.config(), f.ctx.clock(), null);
            st.execute("BEGIN EXCLUSIVE");

            DeployResult d = new Deployer(ctx).deploy(DeployRequest.ofPath(f.adapters()), ProgressListener.NONE);
            assertEquals("v1.0.2", d.version().version());
            assertEquals(VersionStatus.ACTIVE, f.version("v1.0.2").status(), "the deploy is live");
            assertTrue(d.notes().stream().anyMatch(n -> n.startsWith("warning: the change is live")
                    && n.contains("sam verify --repair")), d.notes().toString());

            RollbackResult r = new Rollback(ctx).toPrevious("busy test");
            assertEquals("v1.0.1", r.to());
            assertEquals(VersionStatus.ACTIVE, f.version("v1.0.1").status(), "the rollback is live");
            assertTrue(r.notes().stream().anyMatch(n -> n.contains("sam verify --repair")), r.notes().toString());

            VerifyReport stale = new StoreVerifier(ctx).verify(false);
            assertFalse(stale.consistent(), "verify sees that sam.db lags: " + stale);
            st.execute("ROLLBACK");
        }
        assertEquals(3, new VersionRepository(f.db).list().size() + 1, "the mirror still lacks v1.0.2");
        VerifyReport repaired = new StoreVerifier(f.ctx).verify(true);
        assertTrue(repaired.findings().stream().anyMatch(x -> x.action() != null
                && x.action().contains("copied versions.json into sam.db")), repaired.toString());
        assertTrue(new StoreVerifier(f.ctx).verify(false).consistent());
        f.assertConsistent();
        List<String> kinds = new EventRepository(f.db).recent(null, 10).stream().map(e -> e.kind()).toList();
        assertFalse(kinds.contains("rollback"), "the rollback's event could not be written: " + kinds);
    }

    @Test
    void otherDatabaseFailuresAreNotMistakenForBusy() {
        assertFalse(Database.isBusy(new RuntimeException("disk I/O error")));
        assertTrue(Database.isBusy(new RuntimeException("x", new java.sql.SQLException(
                "[SQLITE_BUSY] The database file is locked (database is locked)"))));
    }
}
