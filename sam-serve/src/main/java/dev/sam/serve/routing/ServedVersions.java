package dev.sam.serve.routing;

import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.VersionCatalog;
import dev.sam.train.model.BaseModelRegistry;
import java.nio.file.Path;
import java.util.List;

/**
 * What the server serves right now, from the {@link VersionCatalog}: the active version (or the base
 * model alone when nothing is deployed) and the canary with its share of requests in percent. Base
 * models are found by {@link BaseModelRegistry#locate}, as everywhere else; with no name at all (nothing
 * deployed, {@code training.base_model} unset) the only registered base model is served.
 */
public record ServedVersions(Served active, Served canary, int canaryTraffic) {

    public static ServedVersions of(VersionCatalog catalog, SamHome home, SamConfig config) {
        ModelVersion a = catalog.active().orElse(null);
        ModelVersion c = catalog.canary().orElse(null);
        Served active = a == null ? base(home, config) : served(a, Served.ACTIVE, catalog, home, config);
        Served canary = c == null ? null : served(c, Served.CANARY, catalog, home, config);
        return new ServedVersions(active, canary, canary == null ? 0 : catalog.canaryShare());
    }

    private static Served served(ModelVersion v, String role, VersionCatalog catalog, SamHome home,
                                 SamConfig config) {
        String recorded = catalog.baseModel(v);
        String base = recorded != null ? recorded : config.training().baseModel();
        Found f = find(home, base);
        try {
            catalog.verifiedAdapters(v);
        } catch (SamException e) {
            // served as unservable: its requests fail with this reason (and count against it, so the
            // auto-rollback policy rolls a tampered active version back)
            return new Served(v.version(), role, catalog.adapters(v), base, null, e.getMessage() + " (" + e.hint() + ")");
        }
        return new Served(v.version(), role, catalog.adapters(v), base, f.dir(), f.problem());
    }

    private static Served base(SamHome home, SamConfig config) {
        Found f = find(home, config.training().baseModel());
        return new Served(Served.BASE, Served.BASE, null, f.name(), f.dir(), f.problem());
    }

    private record Found(String name, Path dir, String problem) {
    }

    private static Found find(SamHome home, String name) {
        BaseModelRegistry registry = new BaseModelRegistry(home);
        if (name == null) {
            List<Path> all = registry.registered();
            if (all.size() == 1) {
                return new Found(all.get(0).getFileName().toString(), all.get(0), null);
            }
            return new Found(null, null, all.isEmpty()
                    ? "no base model: none is registered under " + home.baseModelsDir()
                    + " (create one with `sam model init-tiny` or register one with `sam model add DIR`)"
                    : "no base model chosen: set training.base_model in config.yaml to one of "
                    + all.stream().map(p -> p.getFileName().toString()).toList());
        }
        try {
            return new Found(name, registry.require(name), null);
        } catch (SamException e) {
            return new Found(name, null, e.getMessage());
        }
    }

    /** One line for logs: "v1.0.3 (canary v1.0.4 at 30%)". */
    public String describe() {
        return active.version() + (canary == null ? "" : " (canary " + canary.version() + " at " + canaryTraffic + "%)");
    }
}
