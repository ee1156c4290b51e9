package dev.sam.deploy;

import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.store.Event;
import dev.sam.core.store.EventRepository;
import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.deploy.store.VersionStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sam stats}: versions by status, the active version and canary, how many deployments and
 * rollbacks happened (from the event log), per-version request metrics recorded by sam serve, and
 * the latest deployment events.
 *
 * <pre>DeployStats.Report r = new DeployStats(ctx).report();</pre>
 */
public final class DeployStats {
    private static final List<String> KINDS = List.of("deploy", "rollback", "auto_rollback", "canary", "canary_adjust",
            "canary_abort", "promote", "repair", "ab_start", "ab_step", "ab_promote", "ab_abort", "ab_end");

    private final DeployContext ctx;

    public DeployStats(DeployContext ctx) {
        this.ctx = ctx;
    }

    /**
     * @param byStatus  active, canary, retired, rolled_back → count
     * @param events    kind → count (deploy, rollback, auto_rollback, canary, promote, ...)
     * @param requests  per-version request metrics; empty when sam serve recorded none
     */
    public record Report(int totalVersions, Map<String, Integer> byStatus, String activeVersion, String deployedAt,
                         String canaryVersion, Integer canaryTraffic, boolean rollbackAvailable,
                         Map<String, Long> events, List<RequestMetricsRepository.PerVersion> requests, List<Event> recentEvents,
                         String versionsDir, List<String> warnings) {
    }

    public Report report() {
        VersionState s = VersionState.read(new VersionStore(ctx.home()).file());
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        for (VersionStatus st : VersionStatus.values()) {
            byStatus.put(st.json(), (int) s.versions().stream().filter(v -> v.status() == st).count());
        }
        EventRepository events = new EventRepository(ctx.db());
        Map<String, Long> counts = new LinkedHashMap<>();
        KINDS.forEach(k -> counts.put(k, events.count(k)));
        List<Event> recent = new ArrayList<>();
        for (Event e : events.recent(null, 50)) {
            if (KINDS.contains(e.kind()) && recent.size() < 10) {
                recent.add(e);
            }
        }
        ModelVersion active = s.active().orElse(null);
        ModelVersion canary = s.canary().orElse(null);
        boolean rollback = s.versions().stream().anyMatch(v -> v.status() == VersionStatus.RETIRED
                || v.status() == VersionStatus.ROLLED_BACK);
        return new Report(s.versions().size(), byStatus, active == null ? null : active.version(),
                active == null ? null : active.deployedAt(), canary == null ? null : canary.version(),
                canary == null ? null : canary.canaryTraffic(), rollback, counts,
                new RequestMetricsRepository(ctx.db()).perVersion(0), recent, ctx.home().versionsDir().toString(),
                new StoreView(ctx).warnings(s));
    }
}
