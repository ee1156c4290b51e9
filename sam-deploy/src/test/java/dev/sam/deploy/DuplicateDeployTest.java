package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.progress.ProgressListener;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Issue 22: deploying identical adapters twice made a duplicate version without a word. */
class DuplicateDeployTest extends WithDeployFixture {
    @Test
    void identicalAdaptersDeployWithAWarningNamingTheEarlierVersion() throws Exception {
        Path same = f.adapters();
        DeployResult first = new Deployer(f.ctx).deploy(DeployRequest.ofPath(same), ProgressListener.NONE);
        assertTrue(first.notes().stream().noneMatch(n -> n.contains("same adapters")), first.notes().toString());
        DeployResult second = new Deployer(f.ctx).deploy(DeployRequest.ofPath(same), ProgressListener.NONE);
        assertEquals("v1.0.1", second.version().version());
        assertTrue(second.notes().stream().anyMatch(n -> n.startsWith("warning: v1.0.1 has the same adapters")
                && n.contains("as v1.0.0 (active)") && n.contains("sam rollback v1.0.0")), second.notes().toString());
        DeployResult other = f.deploy();
        assertTrue(other.notes().stream().noneMatch(n -> n.contains("same adapters")), other.notes().toString());
        f.assertConsistent();
    }
}
