package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.status.StatusService;
import org.junit.jupiter.api.Test;

/**
 * Issue 22: {@code rollback_available} was true (a rolled-back version existed) while {@code sam rollback}
 * refused (rolled-back versions are skipped). Both now apply VersionCatalog.rollbackTarget.
 */
class RollbackAvailabilityTest extends WithDeployFixture {
    private boolean available() {
        return new StatusService(f.home, f.ctx.config(), f.db).status().deployment().rollbackAvailable();
    }

    private boolean rollbackActs() {
        try {
            new Rollback(f.ctx).toPrevious(null);
            return true;
        } catch (SamException e) {
            assertEquals(ExitCode.NOT_READY, e.exitCode(), e.getMessage());
            return false;
        }
    }

    @Test
    void statusOffersARollbackExactlyWhenRollbackWouldAct() throws Exception {
        assertEquals(false, available(), "nothing deployed");
        f.deploy();
        assertEquals(false, available(), "one version");
        f.deploy();
        assertEquals(true, available());
        assertEquals(true, rollbackActs(), "v1.0.1 -> v1.0.0");
        // v1.0.1 is now rolled_back: it exists, but `sam rollback` skips it
        assertEquals(false, available(), "only a rolled-back version is left");
        assertEquals(false, rollbackActs());
        SamException e = assertThrows(SamException.class, () -> new Rollback(f.ctx).toPrevious(null));
        assertEquals(ExitCode.NOT_READY, e.exitCode());
    }

    @Test
    void anAbortedCanaryOffersNoRollback() throws Exception {
        f.deploy();
        new Canary(f.ctx).start(DeployRequest.ofPath(f.adapters()).asCanary(10), dev.sam.core.progress.ProgressListener.NONE);
        new Canary(f.ctx).abort("test");
        assertEquals(false, available());
        assertEquals(false, rollbackActs());
    }
}
