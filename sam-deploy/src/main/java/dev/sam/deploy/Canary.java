package dev.sam.deploy;

import dev.sam.core.SamException;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.progress.ProgressListener;
import dev.sam.deploy.store.Activation;
import dev.sam.deploy.store.VersionStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Canary releases (original spec, "Canary Releases"): a candidate version serves a share of requests
 * next to the active one until it is promoted ({@link Promoter}) or aborted. Only one canary at a
 * time. Its share is the version's {@code canaryTraffic} (in versions.json, metrics.canary_traffic), which sam serve
 * and {@code sam status} read.
 *
 * <pre>new Canary(ctx).adjust(25);   new Canary(ctx).abort("error rate 30% > 15%");</pre>
 */
public final class Canary {
    private final DeployContext ctx;
    private final boolean automatic;

    public Canary(DeployContext ctx) {
        this(ctx, false);
    }

    private Canary(DeployContext ctx, boolean automatic) {
        this.ctx = ctx;
        this.automatic = automatic;
    }

    /** The same operations, logged as {@code auto_rollback} events (for sam serve's policy). */
    public Canary automatic() {
        return new Canary(ctx, true);
    }

    /** A canary change: the version, its traffic before and after (null after an abort). */
    public record Change(String version, Integer trafficBefore, Integer trafficAfter, String active, String reason) {
    }

    /** Validates, copies and registers a new canary (the deploy pipeline without activation). */
    public DeployResult start(DeployRequest r, ProgressListener progress) {
        if (!r.canary()) {
            throw new IllegalArgumentException("a canary request needs a traffic share");
        }
        return new Deployer(ctx).deploy(r, progress);
    }

    /** The running canary, if any. */
    public Optional<ModelVersion> current() {
        return VersionState.read(new VersionStore(ctx.home()).file()).canary();
    }

    public Change adjust(int traffic) {
        if (traffic < 1 || traffic > 99) {
            throw SamException.usage("--traffic must be 1..99 (percent of requests), got " + traffic,
                    "`sam promote` sends all traffic to the canary; `sam canary abort` none");
        }
        return change("canary_adjust", "canary-adjust", (state, canary) -> {
            return state.with(canary.withCanaryTraffic(traffic));
        }, traffic, null);
    }

    /** Stops the canary: it becomes rolled_back and serves nothing; the active version is untouched. */
    public Change abort(String reason) {
        return change(automatic ? "auto_rollback" : "canary_abort", "canary-abort", (state, canary) ->
                state.with(canary.withStatus(VersionStatus.ROLLED_BACK, null).withCanaryTraffic(null)), null, reason);
    }

    /** {@code kind}: the event kind; {@code op}: the fault-point prefix of the commit. */
    @SuppressWarnings("try") // the lock is held for the block, not used in it
    private Change change(String kind, String op, BiFunction<VersionState, ModelVersion, VersionState> edit, Integer after,
                          String reason) {
        VersionStore store = new VersionStore(ctx.home());
        try (ProcessLock lock = store.lock(kind)) {
            VersionState state = VersionState.read(store.file());
            ModelVersion canary = state.canary().orElseThrow(() -> SamException.notReady("no canary is running",
                    "start one with `sam canary PATH --traffic N` (or `--run RUN_ID`)"));
            Integer before = canary.canaryTraffic();
            Activation activation = new Activation(ctx.home(), ctx.db());
            activation.commit(edit.apply(state, canary).versions(), op); // a busy sam.db: logged, not a failure
            String active = state.active().map(ModelVersion::version).orElse(null);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("traffic_before", before);
            data.put("traffic_after", after);
            data.put("reason", reason);
            data.put("operation", after == null ? "canary_abort" : "canary_adjust");
            String msg = after == null
                    ? "canary " + canary.version() + " aborted" + (reason == null ? "" : ": " + reason)
                    : "canary " + canary.version() + " traffic " + before + "% -> " + after + "%";
            activation.event(kind, canary.version(), canary.trainingRunId(), msg, data);
            return new Change(canary.version(), before, after, active, reason);
        }
    }
}
