package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.json.Json;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.RunStatus;
import dev.sam.core.model.TrainingRun;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.EventRepository;
import dev.sam.core.store.RunRepository;
import dev.sam.deploy.store.VersionChecksums;
import dev.sam.train.adapters.Check;
import dev.sam.train.adapters.TestAdapters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deployment (original spec "Deployment" tests): deploy, dry run, version bump, duplicates, blessing. */
class DeployerTest extends WithDeployFixture {
    @Test
    void deployCopiesChecksumsActivatesAndRecords() throws Exception {
        Path src = f.adapters();
        DeployResult r = new Deployer(f.ctx).deploy(DeployRequest.ofPath(src).withDescription("first"),
                ProgressListener.NONE);
        ModelVersion v = r.version();
        assertEquals("v1.0.0", v.version());
        assertEquals(VersionStatus.ACTIVE, v.status());
        assertEquals("first", v.description());
        assertEquals(TestAdapters.BASE, v.baseModel());
        assertEquals("v1.0.0/adapters", v.adapterPath(), "relative to versions/ (issue 22)");
        assertNull(r.previous());
        Path copied = f.home.versionDir("v1.0.0").resolve("adapters");
        assertEquals(List.of("adapter_config.json", "adapters.safetensors"),
                Files.list(copied).map(p -> p.getFileName().toString()).sorted().toList());
        assertEquals(-1, Files.mismatch(src.resolve("adapters.safetensors"), copied.resolve("adapters.safetensors")));
        assertEquals(v.checksum(), VersionChecksums.read(f.home.versionDir("v1.0.0")).checksum());
        assertEquals(Path.of("../versions/v1.0.0/adapters"), Files.readSymbolicLink(f.home.activeAdapters()),
                "relative link inside SAM_HOME/models");
        assertEquals("v1.0.0\n", Files.readString(f.home.currentTxt()));
        assertEquals(1, new EventRepository(f.db).count("deploy"));
        f.assertConsistent();
        // versions.json keeps exactly the original ModelVersion fields (+ description)
        var node = Json.mapper().readTree(f.home.versionsJson().toFile()).get(0);
        List<String> keys = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        assertTrue(List.of("version", "created_at", "deployed_at", "status", "base_model", "adapter_path",
                "training_samples", "metrics", "checksum", "description").containsAll(keys), keys.toString());
    }

    @Test
    void nextDeployBumpsThePatchAndRetiresThePrevious() throws Exception {
        f.deploy();
        DeployResult r = f.deploy();
        assertEquals("v1.0.1", r.version().version());
        assertEquals("v1.0.0", r.previous());
        assertEquals(VersionStatus.RETIRED, f.version("v1.0.0").status());
        assertEquals(VersionStatus.ACTIVE, f.version("v1.0.1").status());
        f.assertConsistent();
    }

    @Test
    void explicitVersionAndDuplicatesRefused() throws Exception {
        DeployResult r = new Deployer(f.ctx).deploy(DeployRequest.ofPath(f.adapters()).withVersion("v2.3.0"),
                ProgressListener.NONE);
        assertEquals("v2.3.0", r.version().version());
        SamException e = assertThrows(SamException.class, () -> new Deployer(f.ctx).deploy(
                DeployRequest.ofPath(f.adapters()).withVersion("v2.3.0"), ProgressListener.NONE));
        assertTrue(e.getMessage().contains("version v2.3.0 already exists"), e.getMessage());
        assertEquals("v2.3.1", f.deploy().version().version());
        SamException bad = assertThrows(SamException.class, () -> new Deployer(f.ctx).deploy(
                DeployRequest.ofPath(f.adapters()).withVersion("2.4"), ProgressListener.NONE));
        assertEquals(ExitCode.USAGE, bad.exitCode());
        f.assertConsistent();
    }

    @Test
    void dryRunPlansEverythingAndChangesNothing() throws Exception {
        f.deploy();
        Map<String, String> before = f.snapshot();
        DeployPlan p = new DeployPlanner(f.ctx).plan(DeployRequest.ofPath(f.adapters()));
        assertEquals(before, f.snapshot());
        assertTrue(p.ok(), p.blockers().toString());
        assertEquals("v1.0.1", p.version());
        assertEquals("v1.0.0", p.previous());
        assertEquals(2, p.files().size());
        String steps = String.join("\n", p.steps());
        assertTrue(p.validation().checks().stream().anyMatch(c -> c.line().equals(
                "generation check: not run (no inference engine available)")));
        for (String want : List.of("2 not run", "fsync",
                "checksums.json", "(atomic)", "v1.0.0 active → retired (commit point)", "current.txt: v1.0.1",
                "switch symlink")) {
            assertTrue(steps.contains(want), want + " in\n" + steps);
        }
    }

    @Test
    void dryRunOfBadAdaptersListsEveryBlocker() throws Exception {
        Path bad = f.adapters();
        Files.delete(bad.resolve("adapter_config.json"));
        DeployPlan p = new DeployPlanner(f.ctx).plan(DeployRequest.ofPath(bad));
        assertFalse(p.ok());
        assertTrue(p.blockers().get(0).startsWith("files: no adapter_config.json"), p.blockers().toString());
        SamException e = assertThrows(SamException.class,
                () -> new Deployer(f.ctx).deploy(DeployRequest.ofPath(bad), ProgressListener.NONE));
        assertTrue(e.getMessage().startsWith("refusing to deploy"), e.getMessage());
        assertTrue(f.state().versions().isEmpty());
        assertFalse(Files.exists(f.home.versionDir("v1.0.0")));
    }

    @Test
    void runsMustBeBlessedUnlessForced() throws Exception {
        String id = "20260125_100000";
        Path adapters = TestAdapters.fixture(f.home.runDir(id).resolve("adapters"));
        new RunRepository(f.db).save(new TrainingRun(id, "2026-01-25T10:00:00", "2026-01-25T10:20:00", 500,
                TestAdapters.BASE, "8gb", RunStatus.COMPLETED, Map.of("train_loss", 0.8, "val_loss", 1.1),
                adapters.toString(), null));
        SamException notEvaluated = assertThrows(SamException.class,
                () -> new Deployer(f.ctx).deploy(DeployRequest.ofRun(id), ProgressListener.NONE));
        assertTrue(notEvaluated.getMessage().contains("eval.json is missing"), notEvaluated.getMessage());

        Files.writeString(f.home.runDir(id).resolve("eval.json"), "{\"blessed\": false, \"reason\": \"worse than base\"}");
        SamException notBlessed = assertThrows(SamException.class,
                () -> new Deployer(f.ctx).deploy(DeployRequest.ofPath(adapters), ProgressListener.NONE));
        assertTrue(notBlessed.getMessage().contains("blessing: eval.json says blessed: false (worse than base)"),
                notBlessed.getMessage());

        DeployResult forced = new Deployer(f.ctx).deploy(DeployRequest.ofRun(id).withForce(true), ProgressListener.NONE);
        Check blessing = forced.plan().validation().checks().stream().filter(c -> c.name().equals("blessing"))
                .findFirst().orElseThrow();
        assertEquals(Check.Outcome.WAIVED, blessing.outcome());
        assertEquals(id, forced.version().trainingRunId());
        assertEquals(500, forced.version().trainingSamples());
        assertEquals(1.1, forced.version().metrics().get("val_loss"));
        assertEquals("training run " + id, forced.version().description());

        Files.writeString(f.home.runDir(id).resolve("eval.json"), "{\"blessed\": true, \"perplexity\": 3.2}");
        DeployResult blessed = new Deployer(f.ctx).deploy(DeployRequest.ofRun(id), ProgressListener.NONE);
        assertEquals(3.2, blessed.version().metrics().get("perplexity"));
        f.assertConsistent();
    }

    @Test
    void externalAdaptersSayTheyAreGatedBySanityAndValidationOnly() throws Exception {
        DeployPlan p = new DeployPlanner(f.ctx).plan(DeployRequest.ofPath(f.adapters()));
        assertTrue(p.validation().checks().stream().anyMatch(c -> c.line().equals("blessing check: not run (external "
                + "adapters, not from a SAM run: gated by sanity and validation only)")), p.validation().toString());
        assertEquals("validate the adapters (sanity, generation, blessing): 2 not run, 6 passed", p.steps().get(0));
    }

    @Test
    void theActiveSymlinkIsNotDeployedAgain() throws Exception {
        f.deploy();
        DeployPlan p = new DeployPlanner(f.ctx).plan(DeployRequest.ofPath(f.home.activeAdapters()));
        assertFalse(p.ok());
        assertTrue(p.blockers().get(0).endsWith("is inside the version store (v1.0.0); to make a stored version "
                + "active use `sam rollback v1.0.0`"), p.blockers().toString());
    }

    @Test
    void unknownRunIsAClearError() {
        SamException e = assertThrows(SamException.class,
                () -> new Deployer(f.ctx).deploy(DeployRequest.ofRun("20990101_000000"), ProgressListener.NONE));
        assertTrue(e.getMessage().startsWith("no training run 20990101_000000"), e.getMessage());
    }

    @Test
    void corruptVersionsJsonIsAClearErrorAndNeverOverwritten() throws Exception {
        f.deploy();
        byte[] junk = "[{\"version\": \"v1.0.0\", oops".getBytes();
        Files.write(f.home.versionsJson(), junk);
        SamException e = assertThrows(SamException.class, () -> f.deploy());
        assertTrue(e.getMessage().contains("is not a valid JSON list of versions"), e.getMessage());
        assertTrue(e.hint().contains("sam verify --repair"), e.hint());
        assertTrue(java.util.Arrays.equals(junk, Files.readAllBytes(f.home.versionsJson())));
        assertFalse(Files.exists(f.home.versionDir("v1.0.1")));
    }

    @Test
    void concurrentDeploysInOneProcessSerialize() throws Exception {
        Path a = f.adapters();
        Path b = f.adapters();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var fa = pool.submit(() -> new Deployer(f.ctx).deploy(DeployRequest.ofPath(a), ProgressListener.NONE));
            var fb = pool.submit(() -> new Deployer(f.ctx).deploy(DeployRequest.ofPath(b), ProgressListener.NONE));
            assertEquals(java.util.Set.of("v1.0.0", "v1.0.1"),
                    java.util.Set.of(fa.get().version().version(), fb.get().version().version()));
        } finally {
            pool.shutdown();
        }
        assertEquals(2, f.state().versions().size());
        f.assertConsistent();
    }
}
