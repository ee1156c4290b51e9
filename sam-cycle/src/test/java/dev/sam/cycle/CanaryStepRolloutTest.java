package dev.sam.cycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.TestHomes;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Database;
import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.core.store.RequestRecord;
import dev.sam.core.store.VersionCatalog;
import dev.sam.deploy.Canary;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.DeployRequest;
import dev.sam.deploy.Deployer;
import dev.sam.deploy.RollbackPolicy;
import dev.sam.deploy.ab.ProgressiveCanary;
import dev.sam.train.adapters.TestAdapters;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A canary under a progressive rollout is left to it by `sam cycle`, however much healthy traffic it served. */
class CanaryStepRolloutTest {
    @TempDir
    Path tmp;

    @Test
    void aRolloutOwnsItsCanary() throws Exception {
        SamHome home = TestHomes.fresh(tmp);
        TestAdapters.installBase(home);
        try (Database db = Database.open(home.database())) {
            SamConfig d = SamConfig.defaults();
            SamConfig config = new SamConfig(new SamConfig.Training(d.training().minSamples(),
                    d.training().defaultProfile(), TestAdapters.BASE, d.training().profiles()), d.rollback(), d.models(),
                    d.collect(), d.serve(), d.cycle());
            DeployContext ctx = DeployContext.of(home, db, config).withProbe(null);
            new Deployer(ctx).deploy(DeployRequest.ofPath(TestAdapters.variant(tmp.resolve("a0"), 0)),
                    ProgressListener.NONE);
            new Canary(ctx).start(DeployRequest.ofPath(TestAdapters.variant(tmp.resolve("a1"), 1)).asCanary(10),
                    ProgressListener.NONE);
            new ProgressiveCanary(ctx, RollbackPolicy.from(config.rollback())).start(new ProgressiveCanary.Plan(
                    List.of(10, 50, 100), 3_600_000L, 300, 0.05, 0.05, 10), System.currentTimeMillis());
            List<RequestRecord> healthy = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                healthy.add(new RequestRecord(System.currentTimeMillis(), "v1.0.1", "chat.completions", true, 30, null,
                        5L));
            }
            new RequestMetricsRepository(db).insert(healthy);
            CanaryJudge judge = new CanaryJudge(RollbackPolicy.from(config.rollback()), 100, Duration.ofHours(1));
            CycleJournal journal = new CycleJournal(home, db, Clock.systemDefaultZone(), "test", false);
            CanaryStep.Result r = new CanaryStep(ctx, judge, Clock.systemDefaultZone()).run(journal, false);
            assertEquals("waiting", r.state(), r.message());
            assertTrue(r.message().contains("progressive rollout"), r.message());
            assertEquals("v1.0.1", VersionCatalog.read(home).canary().orElseThrow().version(), "still the canary");
        }
    }
}
