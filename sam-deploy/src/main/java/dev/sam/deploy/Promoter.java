package dev.sam.deploy;

import dev.sam.core.SamException;
import dev.sam.core.io.Faults;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.deploy.store.Activation;
import dev.sam.deploy.store.VersionStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sam promote}: the running canary becomes the active version (after its checksums are
 * verified) and the version it replaces is retired — the same atomic activation as a deploy.
 *
 * <pre>Promoter.Result r = new Promoter(ctx).promote();</pre>
 */
public final class Promoter {
    private final DeployContext ctx;

    public Promoter(DeployContext ctx) {
        this.ctx = ctx;
    }

    /** The promoted version, the one it replaced, and the canary's share before promotion. */
    public record Result(String promoted, String previous, Integer canaryTraffic, List<String> notes) {
    }

    @SuppressWarnings("try") // the lock is held for the block, not used in it
    public Result promote() {
        VersionStore store = new VersionStore(ctx.home());
        try (ProcessLock lock = store.lock("promote")) {
            VersionState state = VersionState.read(store.file());
            ModelVersion canary = state.canary().orElseThrow(() -> SamException.notReady("no canary to promote",
                    "start one with `sam canary PATH --traffic N`, or deploy directly with `sam deploy PATH`"));
            Integer traffic = canary.canaryTraffic();
            new VersionIntegrity(store).require(canary, "promote");
            Faults.point("promote.after-verify");
            ModelVersion active = state.active().orElse(null);
            VersionState next = state;
            if (active != null) {
                next = next.with(active.withStatus(VersionStatus.RETIRED, null));
            }
            next = next.with(canary.withStatus(VersionStatus.ACTIVE, ctx.now()).withCanaryTraffic(null));
            Activation activation = new Activation(ctx.home(), ctx.db());
            List<String> notes = new java.util.ArrayList<>(activation.commit(next.versions(), "promote"));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("previous", active == null ? null : active.version());
            data.put("canary_traffic", traffic);
            activation.event("promote", canary.version(), canary.trainingRunId(),
                    "promoted canary " + canary.version() + (active == null ? "" : " (was " + active.version() + ")"),
                    data).ifPresent(notes::add);
            return new Result(canary.version(), active == null ? null : active.version(), traffic, notes);
        }
    }
}
