package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.VersionStatus;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Event;
import dev.sam.core.store.EventRepository;
import dev.sam.core.store.OutcomeRepository;
import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.core.store.RequestRecord;
import dev.sam.core.store.RolloutRepository;
import dev.sam.core.store.VersionCatalog;
import dev.sam.deploy.ab.AbAnalysis;
import dev.sam.deploy.ab.ProgressiveCanary;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The acceptance simulation of the progressive canary, in process through the real driver, sam.db and
 * version store: a controlled clock (one analysis per simulated hour) and seeded traffic (answers split
 * by the share the version store says, each judged positive at its arm's true rate).
 */
class ProgressiveCanaryTest extends WithDeployFixture {
    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_780_000_000_000L;
    private static final int PER_HOUR = 1000;
    private static final List<Integer> STEPS = List.of(10, 25, 50, 100);

    private final List<Integer> shares = new ArrayList<>();

    /** Runs the rollout to its end; returns the final rollout state. */
    private RolloutRepository.Rollout simulate(double baseline, double canary, double canaryErrors, long seed)
            throws Exception {
        f.deploy();
        new Canary(f.ctx).start(DeployRequest.ofPath(f.adapters()).asCanary(5), ProgressListener.NONE);
        ProgressiveCanary pc = new ProgressiveCanary(f.ctx, RollbackPolicy.from(f.ctx.config().rollback()));
        pc.start(new ProgressiveCanary.Plan(STEPS, HOUR, AbAnalysis.MIN_SAMPLES, AbAnalysis.ALPHA, AbAnalysis.MARGIN,
                AbAnalysis.MAX_ANALYSES), T0);
        OutcomeRepository outcomes = new OutcomeRepository(f.db);
        Random rnd = new Random(seed);
        int id = 0;
        for (int hour = 0; hour < 60; hour++) {
            VersionCatalog c = VersionCatalog.read(f.home);
            if (c.canary().isEmpty()) {
                break;
            }
            int share = c.canaryShare();
            shares.add(share);
            List<RequestRecord> requests = new ArrayList<>();
            for (int k = 0; k < PER_HOUR; k++) {
                long t = T0 + hour * HOUR + k * (HOUR / PER_HOUR);
                boolean toCanary = rnd.nextInt(100) < share;
                String v = toCanary ? "v1.0.1" : "v1.0.0";
                boolean ok = !toCanary || rnd.nextDouble() >= canaryErrors;
                requests.add(new RequestRecord(t, v, "chat.completions", ok, 40, null, 10L));
                if (!ok) {
                    continue;
                }
                String rid = "r" + id++;
                outcomes.addResponse(new OutcomeRepository.Response(rid, t, v, "chat.completions", "[]", "answer"));
                boolean positive = rnd.nextDouble() < (toCanary ? canary : baseline);
                outcomes.addFeedback(new OutcomeRepository.Feedback(rid, t + 1, v, null, positive, false, positive));
            }
            new RequestMetricsRepository(f.db).insert(requests);
            pc.tick(T0 + (hour + 1) * HOUR);
        }
        f.assertConsistent();
        return new RolloutRepository(f.db).latest().orElseThrow();
    }

    private List<Event> events(String kind) {
        return new EventRepository(f.db).recent(kind, 100);
    }

    @Test
    void aBetterCanaryIsPromotedThroughEveryStep() throws Exception {
        RolloutRepository.Rollout r = simulate(0.60, 0.70, 0, 1);
        assertEquals(RolloutRepository.PROMOTED, r.state(), r.reason());
        assertEquals(List.of(10, 25, 50), shares.stream().distinct().toList());
        assertEquals(VersionStatus.ACTIVE, f.version("v1.0.1").status());
        assertEquals(2, events("ab_step").size());
        assertEquals(1, events("ab_promote").size());
        assertTrue(events("ab_promote").get(0).message().contains("not worse by 5 points"),
                events("ab_promote").get(0).message());
    }

    @Test
    void aCanaryTenPointsWorseIsAbortedBefore50Percent() throws Exception {
        RolloutRepository.Rollout r = simulate(0.60, 0.50, 0, 2);
        assertEquals(RolloutRepository.ABORTED, r.state());
        assertTrue(r.reason().startsWith("significantly worse"), r.reason());
        assertTrue(shares.stream().allMatch(s -> s < 50), "shares served: " + shares);
        assertEquals(VersionStatus.ROLLED_BACK, f.version("v1.0.1").status());
        assertEquals(VersionStatus.ACTIVE, f.version("v1.0.0").status());
        assertEquals(1, events("ab_abort").size());
    }

    @Test
    void anEqualCanaryIsPromotedOnlyAfterTheMinimumSamples() throws Exception {
        RolloutRepository.Rollout r = simulate(0.60, 0.60, 0, 3);
        assertEquals(RolloutRepository.PROMOTED, r.state(), r.reason());
        for (String kind : List.of("ab_step", "ab_promote")) {
            for (Event e : events(kind)) {
                long c = ((Number) e.data().get("canary_judged")).longValue();
                long b = ((Number) e.data().get("baseline_judged")).longValue();
                assertTrue(c >= AbAnalysis.MIN_SAMPLES && b >= AbAnalysis.MIN_SAMPLES, kind + " with " + c + "/" + b);
            }
        }
        List<Event> holds = events("ab_analysis").stream().filter(e -> e.data().get("move").equals("hold")).toList();
        assertTrue(holds.stream().anyMatch(e -> e.message().contains("waiting for judged answers")),
                "held at 10% until the minimum: " + holds);
    }

    @Test
    void anUnhealthyCanaryIsAbortedWhateverItsAcceptance() throws Exception {
        RolloutRepository.Rollout r = simulate(0.60, 0.95, 0.40, 4);
        assertEquals(RolloutRepository.ABORTED, r.state());
        assertTrue(r.reason().startsWith("unhealthy: error rate"), r.reason());
        assertEquals(VersionStatus.ROLLED_BACK, f.version("v1.0.1").status());
        assertEquals(List.of(10), shares);
    }

    @Test
    void aMoveThatFailsEndsTheRolloutSayingWhy() throws Exception {
        f.deploy();
        new Canary(f.ctx).start(DeployRequest.ofPath(f.adapters()).asCanary(10), ProgressListener.NONE);
        ProgressiveCanary pc = new ProgressiveCanary(f.ctx, RollbackPolicy.from(f.ctx.config().rollback()));
        pc.start(new ProgressiveCanary.Plan(List.of(10, 100), HOUR, 10, 0.05, 0.5, 1), T0);
        OutcomeRepository outcomes = new OutcomeRepository(f.db);
        for (int i = 0; i < 100; i++) {
            String v = i % 2 == 0 ? "v1.0.0" : "v1.0.1";
            outcomes.addResponse(new OutcomeRepository.Response("r" + i, T0 + i, v, "chat.completions", "p", "a"));
            outcomes.addFeedback(new OutcomeRepository.Feedback("r" + i, T0 + i, v, 1, null, false, true));
        }
        java.nio.file.Path weights = new dev.sam.deploy.store.VersionStore(f.home).adapters("v1.0.1")
                .resolve("adapters.safetensors");
        java.nio.file.Files.write(weights, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        var t = pc.tick(T0 + HOUR).orElseThrow();
        assertEquals(RolloutRepository.ENDED, t.rollout().state());
        assertTrue(t.rollout().reason().startsWith("could not promote: "), t.rollout().reason());
        assertEquals(VersionStatus.CANARY, f.version("v1.0.1").status(), "the canary stays as it was");
        assertTrue(new RolloutRepository(f.db).running().isEmpty());
        assertEquals(1, events("ab_end").size());
    }

    @Test
    void aRolloutEndsWhenItsCanaryIsChangedByHand() throws Exception {
        f.deploy();
        new Canary(f.ctx).start(DeployRequest.ofPath(f.adapters()).asCanary(5), ProgressListener.NONE);
        ProgressiveCanary pc = new ProgressiveCanary(f.ctx, RollbackPolicy.from(f.ctx.config().rollback()));
        pc.start(new ProgressiveCanary.Plan(STEPS, HOUR, 10, 0.05, 0.05, 3), T0);
        assertEquals(10, VersionCatalog.read(f.home).canaryShare());
        assertTrue(pc.tick(T0 + 1).isEmpty(), "nothing before the interval");
        new Canary(f.ctx).adjust(30);
        var t = pc.tick(T0 + 2).orElseThrow();
        assertEquals(RolloutRepository.ENDED, t.rollout().state());
        assertTrue(t.rollout().reason().contains("changed by hand to 30%"), t.rollout().reason());
        assertEquals(30, VersionCatalog.read(f.home).canaryShare(), "the manual share stays");
        assertTrue(pc.tick(T0 + 2 * HOUR).isEmpty());
    }
}
