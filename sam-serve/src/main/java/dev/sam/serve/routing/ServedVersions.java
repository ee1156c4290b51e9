package dev.sam.serve.routing;

import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.ModelVersion;
import dev.sam.deploy.VersionState;
import dev.sam.deploy.store.VersionStore;

/**
 * What the server serves right now, from versions.json: the active version (or the base model alone
 * when nothing is deployed) and the canary with its share of requests in percent.
 */
public record ServedVersions(Served active, Served canary, int canaryTraffic) {

    public static ServedVersions of(VersionState state, SamHome home, SamConfig config) {
        VersionStore store = new VersionStore(home);
        ModelVersion a = state.active().orElse(null);
        ModelVersion c = state.canary().orElse(null);
        Served active = a == null ? base(home, config) : served(a, Served.ACTIVE, store, home, config);
        Served canary = c == null ? null : served(c, Served.CANARY, store, home, config);
        Integer traffic = c == null ? null : VersionState.traffic(c);
        return new ServedVersions(active, canary, canary == null || traffic == null ? 0 : traffic);
    }

    private static Served served(ModelVersion v, String role, VersionStore store, SamHome home, SamConfig config) {
        String base = v.baseModel() != null ? v.baseModel() : config.training().baseModel();
        BaseModels.Found f = BaseModels.find(home, base);
        return new Served(v.version(), role, store.adapters(v.version()), base, f.dir(), f.problem());
    }

    private static Served base(SamHome home, SamConfig config) {
        BaseModels.Found f = BaseModels.find(home, config.training().baseModel());
        return new Served(Served.BASE, Served.BASE, null, f.name(), f.dir(), f.problem());
    }

    /** One line for logs: "v1.0.3 (canary v1.0.4 at 30%)". */
    public String describe() {
        return active.version() + (canary == null ? "" : " (canary " + canary.version() + " at " + canaryTraffic + "%)");
    }
}
