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
import java.util.ArrayList;
import java.util.List;

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
        List<String> flags = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        check(r.epochs(), "--epochs", r.epochs() != null && r.epochs() > 0, "a positive number of epochs", flags, bad);
        check(r.learningRate(), "--lr", r.learningRate() != null && r.learningRate() > 0 && r.learningRate() < 1,
                "in (0, 1), e.g. 1e-4", flags, bad);
        check(r.maxSeqLength(), "--max-seq", r.maxSeqLength() != null && r.maxSeqLength() >= 8
                && r.maxSeqLength() <= 32768, "in [8, 32768]", flags, bad);
        check(r.batchSize(), "--batch-size", r.batchSize() != null && r.batchSize() > 0, "> 0", flags, bad);
        check(r.gradAccum(), "--grad-accum", r.gradAccum() != null && r.gradAccum() > 0, "> 0", flags, bad);
        check(r.maxSteps(), "--max-steps", r.maxSteps() != null && r.maxSteps() >= 0, ">= 0 (0 = by epochs)", flags,
                bad);
        check(r.seed(), "--seed", true, "", flags, bad);
        check(r.baseModel(), "--base", r.baseModel() != null && !r.baseModel().isBlank(), "a model name", flags, bad);
        if (!bad.isEmpty()) {
            throw SamException.usage(String.join("; ", bad), "see `sam train --help`");
        }
        String base = r.baseModel() != null ? r.baseModel()
                : config.training().baseModel() != null ? config.training().baseModel() : p.baseModel();
        TrainingProfile s = new TrainingProfile(base, p.loraLayers(), p.rank(), p.alpha(), p.dropout(),
                or(r.batchSize(), p.batchSize()), or(r.gradAccum(), p.gradAccum()), or(r.learningRate(),
                p.learningRate()), p.lrSchedule(), p.warmupSteps(), p.weightDecay(), p.gradClip(),
                or(r.maxSeqLength(), p.maxSeqLength()), or(r.epochs(), p.epochs()), or(r.maxSteps(), p.maxSteps()),
                p.gradCheckpoint(), p.targets(), p.checkpointEvery(), p.evalEvery(), or(r.seed(), p.seed()));
        Path dir = checkBase(name, s);
        return new RunPlan(null, name, s, dir.toString(), flags, r.force(), config.training().minSamples(),
                DataPreparer.VALID_FRACTION, true, null, null);
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

    private static <T> T or(T flag, T profile) {
        return flag != null ? flag : profile;
    }

    private static void check(Object value, String flag, boolean ok, String want, List<String> flags,
                              List<String> bad) {
        if (value == null) {
            return;
        }
        flags.add(flag.substring(2));
        if (!ok) {
            bad.add(flag + " must be " + want + ", got " + value);
        }
    }
}
