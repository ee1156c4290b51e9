package dev.sam.cycle;

import dev.sam.core.config.Durations;
import dev.sam.core.config.SamConfig;
import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.deploy.RollbackPolicy;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a canary is promoted, aborted or kept: the auto-rollback policy of {@code sam serve}
 * ({@code rollback.*}: error rate, mean latency, memory) over everything it served since it started
 * decides an abort; {@code cycle.canary_min_requests} healthy requests a promotion; with less traffic
 * (no server running) it is promoted once older than {@code cycle.canary_max_age} if what it did serve
 * was healthy, and kept waiting otherwise. A pure function.
 *
 * <pre>CanaryJudge.Verdict v = CanaryJudge.of(config).judge("v1.0.3", stats, Duration.ofHours(30));</pre>
 */
record CanaryJudge(RollbackPolicy policy, int minRequests, Duration maxAge) {

    enum Action { PROMOTE, ABORT, WAIT }

    record Verdict(Action action, String reason, long requests) {
    }

    static CanaryJudge of(SamConfig config) {
        return new CanaryJudge(RollbackPolicy.from(config.rollback()), config.cycle().canaryMinRequests(),
                Durations.parse(config.cycle().canaryMaxAge()));
    }

    /** {@code served}: the canary's requests since it started (null: none); {@code age}: since it started. */
    Verdict judge(String version, RequestMetricsRepository.PerVersion served, Duration age) {
        long n = served == null ? 0 : served.requests();
        Optional<RollbackPolicy.Verdict> bad = policy.evaluate("canary", served);
        if (bad.isPresent()) {
            return new Verdict(Action.ABORT, bad.get().reason(), n);
        }
        boolean enough = n >= minRequests;
        boolean old = maxAge != null && age.compareTo(maxAge) >= 0;
        if (!enough && !old) {
            return new Verdict(Action.WAIT, "served " + n + " of " + minRequests + " requests in " + human(age)
                    + (maxAge == null ? "; waits for traffic (cycle.canary_max_age: never)"
                    : "; promoted at " + minRequests + " requests or after " + human(maxAge)), n);
        }
        if (n > 0) {
            // fewer requests than the policy's own minimum are still judged by its thresholds before a promotion
            Optional<RollbackPolicy.Verdict> few = new RollbackPolicy(policy.maxErrorRate(), policy.maxMeanLatencyMs(),
                    policy.maxMemoryBytes(), 1, policy.windowSeconds()).evaluate("canary", served);
            if (few.isPresent()) {
                return new Verdict(Action.ABORT, few.get().reason(), n);
            }
        }
        return new Verdict(Action.PROMOTE, (enough ? "served " + n + " requests (>= " + minRequests + ")"
                : "older than cycle.canary_max_age " + human(maxAge) + " with " + n + " requests")
                + (n > 0 ? ", within the rollback thresholds: " + numbers(served) : " (no traffic)"), n);
    }

    private static String numbers(RequestMetricsRepository.PerVersion s) {
        return String.format(Locale.ROOT, "error rate %.1f%%, mean latency %.0f ms", s.errorRate() * 100,
                s.meanLatencyMs());
    }

    static String human(Duration d) {
        long s = d.getSeconds();
        if (s >= 86_400 && s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s >= 3600) {
            return s % 3600 == 0 ? s / 3600 + "h" : String.format(Locale.ROOT, "%.1fh", s / 3600.0);
        }
        return s >= 60 ? s / 60 + "m" : s + "s";
    }
}
