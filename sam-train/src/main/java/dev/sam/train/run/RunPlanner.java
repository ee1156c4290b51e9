package dev.sam.train.run;

import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.config.TrainingProfile;
import dev.sam.core.home.SamHome;
import dev.sam.train.data.DataPreparer;
import dev.sam.train.model.BaseModelRegistry;
import dev.sam.train.model.ModelCheck;
import dev.sam.train.model.ModelDirectory;
import dev.sam.train.runs.RunPlan;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves a {@link TrainRequest} into the settings of a run before anything is written: the profile
 * (a typo is a usage error listing the known ones), flags over config.yaml over the profile's
 * defaults, the base model ({@code --base} &gt; config {@code training.base_model} &gt; the profile's
 * {@code base_model}), which must be a usable model directory whose tokenizer belongs to its weights.
 *
 * <pre>RunPlan p = new RunPlanner(home, config).plan(TrainRequest.profile("8gb"));</pre>
 */
public final class RunPlanner {
    private final SamHome home;
    private final SamConfig config;

    public RunPlanner(SamHome home, SamConfig config) {
        this.home = home;
        this.config = config;
    }

    public RunPlan plan(TrainRequest r) {
        String name = r.profile() != null ? r.profile() : config.training().defaultProfile();
        TrainingProfile p = config.profile(name);
        String base = r.baseModel() != null ? r.baseModel()
                : config.training().baseModel() != null ? config.training().baseModel() : p.baseModel();
        TrainingProfile.Builder b = p.toBuilder().baseModel(base);
        Map<String, String> flags = new LinkedHashMap<>();
        override(r.epochs(), "epochs", "--epochs", b::epochs, flags);
        override(r.learningRate(), "learning_rate", "--lr", b::learningRate, flags);
        override(r.maxSeqLength(), "max_seq_length", "--max-seq", b::maxSeqLength, flags);
        override(r.batchSize(), "batch_size", "--batch-size", b::batchSize, flags);
        override(r.gradAccum(), "grad_accum", "--grad-accum", b::gradAccum, flags);
        override(r.maxSteps(), "max_steps", "--max-steps", b::maxSteps, flags);
        override(r.seed(), "seed", "--seed", b::seed, flags);
        override(r.baseModel(), "base_model", "--base", b::baseModel, flags);
        if (r.method() != null && !TrainRequest.METHODS.contains(r.method())) {
            throw SamException.usage("--method must be one of " + String.join(", ", TrainRequest.METHODS) + ", got '"
                    + r.method() + "'", "leave it out to train both stages when preference pairs exist");
        }
        TrainingProfile s = b.build();
        // The bounds are the profile's own (TrainingProfile.problems), named by the flag that set a value.
        List<String> bad = s.problems(key -> flags.getOrDefault(key, "training.profiles." + name + "." + key));
        if (!bad.isEmpty()) {
            throw SamException.usage(String.join("; ", bad), "see `sam train --help`");
        }
        Path dir = checkBase(name, s);
        List<String> given = flags.values().stream().map(f -> f.substring(2)).toList();
        return new RunPlan(null, name, s, dir.toString(), given, r.force(), config.training().minSamples(),
                DataPreparer.VALID_FRACTION, true, null, null, config.training().weighting(),
                config.training().curriculum(), r.method() == null ? RunPlan.AUTO : r.method());
    }

    /** The base model's directory after a full check (config, tokenizer vs weights, tensors, layers). */
    Path checkBase(String profile, TrainingProfile s) {
        Path dir = new BaseModelRegistry(home).require(s.baseModel());
        ModelCheck c = ModelDirectory.validate(dir);
        int layers = c.config().numHiddenLayers();
        if (s.loraLayers() > layers) {
            throw SamException.usage("profile '" + profile + "' adapts the last " + s.loraLayers()
                    + " layers but base model '" + s.baseModel() + "' has only " + layers,
                    "set training.profiles." + profile + ".lora_layers to -1 (all layers) or at most " + layers
                            + " in " + home.configFile());
        }
        return dir;
    }

    private static <T> void override(T value, String key, String flag, java.util.function.Consumer<T> set,
                                     Map<String, String> flags) {
        if (value != null) {
            set.accept(value);
            flags.put(key, flag);
        }
    }
}
