package dev.sam.cycle;

import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.config.TrainingProfile;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.VersionCatalog;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.adapters.AdapterFiles;
import dev.sam.train.nativelib.LoraSpec;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a cycle's run starts: from the active version's adapters when they fit the training profile (same
 * base model, rank, layers and target modules), so the run continues what the model already learned and
 * the replayed samples keep it from drifting — training from fresh adapters on the new samples and a
 * replayed share would forget everything not replayed. Otherwise from fresh adapters, and the reason is said.
 *
 * <pre>WarmStart.Choice c = WarmStart.choose(config, VersionCatalog.read(home));</pre>
 */
final class WarmStart {

    /** {@code adapters}: the adapters.safetensors to start from, null for fresh ones; {@code why}: for the log. */
    record Choice(Path adapters, String why) {
    }

    private WarmStart() {
    }

    static Choice choose(SamConfig config, VersionCatalog catalog) {
        Optional<ModelVersion> active = catalog.active();
        if (active.isEmpty()) {
            return new Choice(null, "fresh adapters (no active version)");
        }
        ModelVersion v = active.get();
        TrainingProfile p = config.profile(config.training().defaultProfile());
        String base = config.training().baseModel() != null ? config.training().baseModel() : p.baseModel();
        Path dir = catalog.adapters(v);
        try {
            LoraSpec have = AdapterConfig.load(dir).toLoraSpec();
            LoraSpec want = new LoraSpec(p.rank(), (float) p.scale(), (float) p.dropout(), p.loraLayers(), p.targets());
            if (!java.util.Objects.equals(base, v.baseModel()) || have.rank() != want.rank()
                    || have.numLayers() != want.numLayers()
                    || !new java.util.HashSet<>(have.targets()).equals(new java.util.HashSet<>(want.targets()))) {
                return new Choice(null, "fresh adapters: the profile (" + base + ", rank " + want.rank() + ", layers "
                        + want.numLayers() + ", " + want.targets() + ") differs from active " + v.version() + "'s ("
                        + v.baseModel() + ", rank " + have.rank() + ", layers " + have.numLayers() + ", "
                        + have.targets() + ")");
            }
        } catch (SamException e) {
            return new Choice(null, "fresh adapters: active " + v.version() + "'s cannot be read: " + e.getMessage());
        }
        return new Choice(dir.resolve(AdapterFiles.SAFETENSORS), "continues from active " + v.version() + "'s adapters");
    }
}
