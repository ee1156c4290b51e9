package dev.sam.train.eval;

import dev.sam.core.home.SamHome;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.VersionCatalog;
import dev.sam.train.model.BaseModelRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The active version (from the {@link VersionCatalog}) the candidate is compared with, on the same base
 * model and benchmark slice. None, with a note saying why, when there is no active version, when the
 * candidate is the active version itself, or when the active version belongs to another base model (its
 * loss is over other tokens and cannot be compared).
 */
final class ActiveComparison {
    private final SamHome home;

    ActiveComparison(SamHome home) {
        this.home = home;
    }

    /** The active version and its adapter directory. */
    record Active(String version, Path adapters) {
    }

    Active locate(EvalTarget t, List<String> notes) {
        VersionCatalog catalog = VersionCatalog.read(home);
        Optional<ModelVersion> active = catalog.active();
        if (active.isEmpty()) {
            notes.add("no active version: compared with the base model only");
            return null;
        }
        ModelVersion mv = active.get();
        String v = mv.version();
        if (t.kind().equals("version") && t.id().equals(v)) {
            notes.add(v + " is the active version: compared with the base model only");
            return null;
        }
        String base = catalog.baseModel(mv);
        if (base != null && !sameBase(base, t.baseModel())) {
            notes.add("active version " + v + " was trained on base model '" + base + "', not '"
                    + t.baseModel() + "': its loss is not comparable and was not measured");
            return null;
        }
        return new Active(v, catalog.adapters(mv));
    }

    private boolean sameBase(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        BaseModelRegistry r = new BaseModelRegistry(home);
        Optional<Path> pa = r.locate(a);
        Optional<Path> pb = r.locate(b);
        try {
            return pa.isPresent() && pb.isPresent() && pa.get().toRealPath().equals(pb.get().toRealPath());
        } catch (IOException e) {
            return false;
        }
    }
}
