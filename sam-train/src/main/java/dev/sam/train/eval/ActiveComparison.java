package dev.sam.train.eval;

import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.VersionCatalog;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.infer.ChatEngine;
import dev.sam.train.model.BaseModelRegistry;
import dev.sam.train.nativelib.LoraAdapters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The held-out loss of the active version (from the {@link VersionCatalog}), measured with its adapters on the same
 * base model and examples as the candidate's. Not measured, with a note saying why, when there is no
 * active version, when the candidate is the active version itself, when the active version belongs to
 * another base model (its loss is over other tokens and cannot be compared), or when its adapters do
 * not load.
 */
final class ActiveComparison {
    private final SamHome home;

    ActiveComparison(SamHome home) {
        this.home = home;
    }

    /** The active version and its held-out loss. */
    record Result(String version, HeldOutLoss.Result loss) {
    }

    Result measure(ChatEngine engine, EvalTarget t, List<TokenizedExample> heldOut, List<String> notes) {
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
        Path dir = catalog.adapters(mv);
        String base = catalog.baseModel(mv);
        if (base != null && !sameBase(base, t.baseModel())) {
            notes.add("active version " + v + " was trained on base model '" + base + "', not '"
                    + t.baseModel() + "': its loss is not comparable and was not measured");
            return null;
        }
        try (LoraAdapters a = ChatEngine.loadAdapters(engine.model(), dir)) {
            return new Result(v, HeldOutLoss.of(engine.model(), a, heldOut));
        } catch (SamException e) {
            notes.add("active version " + v + " could not be loaded on base model '" + t.baseModel()
                    + "' and was not compared: " + e.getMessage());
            return null;
        }
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
