package dev.sam.deploy;

import dev.sam.core.SamException;
import dev.sam.core.io.Faults;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.deploy.store.Activation;
import dev.sam.deploy.store.VersionStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sam rollback [VERSION]} and the automatic rollback of {@code sam serve}: re-activates the
 * previous (or the named) version after verifying its checksums; the version it moves away from
 * becomes rolled_back. "Previous" is the retired version that was activated most recently — versions
 * that were rolled back are skipped (they were rolled back for a reason) but can be named.
 *
 * <pre>RollbackResult r = new Rollback(ctx).toPrevious("error rate 22% > 15%");</pre>
 */
public final class Rollback {
    private final DeployContext ctx;
    private final boolean automatic;

    public Rollback(DeployContext ctx) {
        this(ctx, false);
    }

    private Rollback(DeployContext ctx, boolean automatic) {
        this.ctx = ctx;
        this.automatic = automatic;
    }

    /** The same operation, logged as an {@code auto_rollback} event (for sam serve's policy). */
    public Rollback automatic() {
        return new Rollback(ctx, true);
    }

    public RollbackResult toPrevious(String reason) {
        return to(null, reason);
    }

    /** {@code version} null = the previous one. {@code reason} may be null; it goes to the event log. */
    @SuppressWarnings("try") // the lock is held for the block, not used in it
    public RollbackResult to(String version, String reason) {
        VersionStore store = new VersionStore(ctx.home());
        try (ProcessLock lock = store.lock("rollback" + (version == null ? "" : " to " + version))) {
            VersionState state = VersionState.read(store.file());
            ModelVersion active = state.active().orElseThrow(() -> SamException.notReady(
                    "nothing to roll back: no version is deployed", "deploy one with `sam deploy PATH`"));
            ModelVersion target = version == null ? previous(state, active) : named(state, active, version);
            new VersionIntegrity(store).require(target, "roll back to");
            Faults.point("rollback.after-verify");
            VersionState next = state.with(active.withStatus(VersionStatus.ROLLED_BACK, null))
                    .with(target.withStatus(VersionStatus.ACTIVE, ctx.now()));
            Activation activation = new Activation(ctx.home(), ctx.db());
            var notes = new java.util.ArrayList<>(activation.commit(next.versions(), "rollback"));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("from", active.version());
            data.put("to", target.version());
            data.put("reason", reason);
            data.put("operation", "rollback");
            activation.event(automatic ? "auto_rollback" : "rollback", target.version(), null,
                    "rolled back from " + active.version() + " to " + target.version()
                            + (reason == null ? "" : ": " + reason), data).ifPresent(notes::add);
            return new RollbackResult(active.version(), target.version(), reason, automatic, notes);
        }
    }

    private static ModelVersion previous(VersionState state, ModelVersion active) {
        Optional<ModelVersion> p = dev.sam.core.store.VersionCatalog.rollbackTarget(state.versions());
        return p.orElseThrow(() -> SamException.notReady("nothing to roll back: " + active.version()
                + " is active and no earlier version is available"
                + (state.versions().stream().anyMatch(v -> v.status() == VersionStatus.ROLLED_BACK)
                ? " (rolled-back versions are skipped)" : ""),
                "name a version to re-activate it: `sam rollback VERSION` (see `sam list`)"));
    }

    private static ModelVersion named(VersionState state, ModelVersion active, String version) {
        ModelVersion t = state.find(version).orElseThrow(() -> SamException.failure("no version " + version
                + " (known: " + String.join(", ", state.names()) + ")", "see `sam list`"));
        if (t.version().equals(active.version())) {
            throw SamException.notReady(version + " is already the active version", null);
        }
        if (t.status() == VersionStatus.CANARY) {
            throw SamException.notReady(version + " is the running canary",
                    "`sam promote` makes it active; `sam canary abort` stops it");
        }
        return t;
    }
}
