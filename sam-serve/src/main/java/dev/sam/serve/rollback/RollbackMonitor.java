package dev.sam.serve.rollback;

import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.store.EventRepository;
import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.core.store.VersionCatalog;
import dev.sam.deploy.Canary;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.RollbackPolicy;
import dev.sam.deploy.Rollback;
import dev.sam.serve.metrics.MetricsWriter;
import dev.sam.serve.routing.Served;
import dev.sam.serve.routing.ServedVersions;
import dev.sam.serve.routing.VersionWatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auto-rollback loop of sam serve (docs/user-guide.md, "Automatic rollback"): every few seconds it flushes the request metrics,
 * reads each served version's numbers over the last {@code rollback.window_seconds} and applies
 * {@link RollbackPolicy} — the canary first, then the active version. A failing canary is aborted
 * ({@code Canary.automatic().abort}); a failing active version is rolled back to the previous one
 * ({@code Rollback.automatic().toPrevious}); both log an {@code auto_rollback} event with the reason,
 * and the monitor adds an {@code auto_rollback_policy} event with the numbers. Requests keep being
 * served throughout (they read the version store's new state on their next pick).
 * <p>No flapping: at most one decision per window (after a decision nothing is evaluated until a whole
 * window has passed, so the next decision rests on requests served entirely after it), and a version
 * the monitor acted on is never evaluated again by this server.
 *
 * <pre>RollbackMonitor m = new RollbackMonitor(ctx, policy, metrics, watcher, System::currentTimeMillis).start(2000);</pre>
 */
public final class RollbackMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RollbackMonitor.class);
    private static final int KEEP_DECISIONS = 20;

    private final DeployContext ctx;
    private final RollbackPolicy policy;
    private final MetricsWriter metrics;
    private final VersionWatcher watcher;
    private final LongSupplier clock;
    private final Set<String> decided = new HashSet<>();
    private final List<Decision> decisions = new ArrayList<>();
    private long lastDecisionMs;
    private volatile String lastCheck;
    private Periodic loop;

    public RollbackMonitor(DeployContext ctx, RollbackPolicy policy, MetricsWriter metrics, VersionWatcher watcher,
                           LongSupplier clock) {
        this.ctx = ctx;
        this.policy = policy;
        this.metrics = metrics;
        this.watcher = watcher;
        this.clock = clock;
    }

    /** Runs {@link #tick()} every {@code intervalMillis} on its own thread. */
    public RollbackMonitor start(long intervalMillis) {
        loop = Periodic.start("sam-serve-rollback-monitor", intervalMillis, this::tick, LOG, "auto-rollback check");
        return this;
    }

    /** One check; returns the decision it made, if any. */
    public synchronized Optional<Decision> tick() {
        long now = clock.getAsLong();
        long windowMs = policy.windowSeconds() * 1000L;
        if (lastDecisionMs > 0 && now - lastDecisionMs < windowMs) {
            return Optional.empty();
        }
        metrics.flush();
        lastCheck = Times.now();
        ServedVersions served = watcher.current();
        Map<String, RequestMetricsRepository.PerVersion> window = new LinkedHashMap<>();
        new RequestMetricsRepository(ctx.db()).perVersion(now - windowMs).forEach(p -> window.put(p.version(), p));
        List<Served> candidates = new ArrayList<>();
        if (served.canary() != null) {
            candidates.add(served.canary());
        }
        if (!served.active().isBase()) {
            candidates.add(served.active());
        }
        for (Served s : candidates) {
            if (decided.contains(s.version())) {
                continue;
            }
            Optional<RollbackPolicy.Verdict> v = policy.evaluate(s.role(), window.get(s.version()));
            if (v.isPresent()) {
                Decision d = act(v.get(), now);
                watcher.reload();
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private Decision act(RollbackPolicy.Verdict v, long now) {
        boolean canary = Served.CANARY.equals(v.role());
        String action = canary ? "canary_abort" : "rollback";
        String outcome;
        boolean ok = true;
        try {
            outcome = canary ? abortCanary(v) : rollBack(v);
        } catch (SamException e) {
            ok = false;
            outcome = "failed: " + e.getMessage();
        }
        decided.add(v.version());
        lastDecisionMs = now;
        Decision d = new Decision(Times.now(), v.version(), v.role(), action, v.reason(), outcome, ok, v.numbers());
        decisions.add(0, d);
        if (decisions.size() > KEEP_DECISIONS) {
            decisions.remove(decisions.size() - 1);
        }
        Map<String, Object> data = new LinkedHashMap<>(v.numbers());
        data.put("role", v.role());
        data.put("action", action);
        data.put("reason", v.reason());
        data.put("outcome", outcome);
        new EventRepository(ctx.db()).record(ok ? "auto_rollback_policy" : "auto_rollback_failed", v.version(), null,
                "sam serve: " + v.role() + " " + v.version() + ": " + v.reason() + " -> " + outcome, data);
        if (ok) {
            LOG.warn("auto-rollback: {} {}: {} -> {}", v.role(), v.version(), v.reason(), outcome);
        } else {
            LOG.error("auto-rollback of {} {} needed ({}) but {}", v.role(), v.version(), v.reason(), outcome);
        }
        return d;
    }

    /** Aborts the canary if it is still the one that failed (the CLI may have changed it meanwhile). */
    private String abortCanary(RollbackPolicy.Verdict v) {
        Canary c = new Canary(ctx);
        String now = c.current().map(m -> m.version()).orElse(null);
        if (!v.version().equals(now)) {
            return "skipped: " + v.version() + " is no longer the canary";
        }
        c.automatic().abort(v.reason());
        return "canary aborted";
    }

    private String rollBack(RollbackPolicy.Verdict v) {
        String active = VersionCatalog.read(ctx.home()).active().map(m -> m.version()).orElse(null);
        if (!v.version().equals(active)) {
            return "skipped: " + v.version() + " is no longer active";
        }
        return "rolled back to " + new Rollback(ctx).automatic().toPrevious(v.reason()).to();
    }

    /** The most recent decisions, newest first. */
    public synchronized List<Decision> decisions() {
        return List.copyOf(decisions);
    }

    /** Local time of the last completed check, null before the first. */
    public String lastCheck() {
        return lastCheck;
    }

    public RollbackPolicy policy() {
        return policy;
    }

    /** Stops the loop; a check in progress finishes (a rollback is never interrupted half-way). */
    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
