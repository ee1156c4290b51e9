package dev.sam.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sam.cli.CliRunner;
import dev.sam.core.model.ModelVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two `sam deploy` processes at once: serialized by the deploy lock, both recorded, nothing lost. */
class ConcurrentDeployCliTest {
    @TempDir
    Path tmp;

    @Test
    void twoProcessesDeployAtOnce() throws Exception {
        DeployHome h = new DeployHome(tmp);
        h.deployInProcess(1);
        Path a = h.adapters();
        Path b = h.adapters();
        CliRunner.Running ra = h.cli.start("deploy", a.toString(), "--description", "A");
        CliRunner.Running rb = h.cli.start("deploy", b.toString(), "--description", "B");
        CliRunner.Result xa = ra.await(300);
        CliRunner.Result xb = rb.await(300);
        assertEquals(0, xa.exitCode(), xa.toString());
        assertEquals(0, xb.exitCode(), xb.toString());
        List<ModelVersion> all = h.versions();
        assertEquals(3, all.size(), all.toString());
        assertEquals(Set.of("v1.0.0", "v1.0.1", "v1.0.2"), all.stream().map(ModelVersion::version)
                .collect(Collectors.toSet()));
        assertEquals(Set.of("A", "B"), all.stream().skip(1).map(ModelVersion::description).collect(Collectors.toSet()));
        h.assertConsistent();
    }
}
