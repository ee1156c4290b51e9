package dev.sam.train.datareport;

import dev.sam.core.config.SamConfig;
import dev.sam.core.config.TrainingProfile;
import dev.sam.core.home.SamHome;
import dev.sam.train.model.BaseModelRegistry;
import dev.sam.train.data.DataPreparer;
import dev.sam.train.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Token counts and the estimated training time of the next run for the configured default profile:
 * the examples the run will see (the 90% training side of the mixed data, times epochs, or max_steps ×
 * batch × grad_accum), each counted up to max_seq_length, divided by this machine's measured tokens/s
 * ({@link SpeedProbe}). Without the base model there is neither a tokenizer (4 characters per token are
 * assumed) nor a speed, and the estimate says so.
 */
final class TrainingEstimator implements AutoCloseable {
    /** Characters per token when no tokenizer is installed (a common rule of thumb for code and English). */
    static final int CHARS_PER_TOKEN = 4;

    private final SamHome home;
    private final String profileName;
    private final TrainingProfile profile;
    private final String baseModel;
    private final Path modelDir;
    private final Tokenizer tokenizer;

    TrainingEstimator(SamHome home, SamConfig config) {
        this.home = home;
        this.profileName = config.training().defaultProfile();
        this.profile = config.profile(profileName);
        this.baseModel = config.training().baseModel() != null ? config.training().baseModel() : profile.baseModel();
        this.modelDir = new BaseModelRegistry(home).locate(baseModel).orElse(null);
        Tokenizer t = null;
        if (modelDir != null) {
            try {
                t = Tokenizer.load(modelDir);
            } catch (RuntimeException e) {
                t = null; // an unusable tokenizer: fall back to the estimate, named as such in the report
            }
        }
        this.tokenizer = t;
    }

    String tokenizerName() {
        return tokenizer != null ? baseModel + " tokenizer"
                : "estimate: " + CHARS_PER_TOKEN + " characters per token (base model " + baseModel + " not installed)";
    }

    long tokens(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return tokenizer != null ? tokenizer.encode(text).length : (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    /** @param tokens per sample of the mixed data; @param measure may run the speed probe now */
    DataReport.Estimate estimate(long[] tokens, boolean measure, java.util.function.Consumer<String> progress) {
        int seq = profile.maxSeqLength();
        long train = Math.round(tokens.length * (1 - DataPreparer.VALID_FRACTION));
        long examples = profile.maxSteps() > 0 ? (long) profile.maxSteps() * profile.batchSize() * profile.gradAccum()
                : train * profile.epochs();
        double mean = 0;
        for (long t : tokens) {
            mean += Math.min(t, seq);
        }
        mean = tokens.length == 0 ? 0 : mean / tokens.length;
        long trainTokens = Math.round(examples * mean);
        if (modelDir == null) {
            return new DataReport.Estimate(profileName, baseModel, seq, train, trainTokens, null, null, null, null,
                    "base model " + baseModel + " is not installed: no speed to estimate from (`sam models`)");
        }
        SpeedProbe probe = new SpeedProbe(home);
        Optional<SpeedProbe.Speed> speed = probe.cached(modelDir, profile, seq);
        String note = "training steps only (loading the model and evaluating come on top)";
        if (speed.isEmpty() && measure) {
            progress.accept("measuring this machine's training speed once for profile " + profileName + " ("
                    + SpeedProbe.TIMED + " timed native training steps on " + baseModel + "; cached in "
                    + home.trainSpeedCache() + ")");
            try {
                speed = Optional.of(probe.measure(modelDir, profile, seq));
                note = "speed measured now and cached; " + note;
            } catch (IOException | RuntimeException e) {
                return new DataReport.Estimate(profileName, baseModel, seq, train, trainTokens, null, null, null, null,
                        "could not measure the training speed: " + e.getMessage());
            }
        }
        if (speed.isEmpty()) {
            return new DataReport.Estimate(profileName, baseModel, seq, train, trainTokens, null, null, null, null,
                    "speed not measured yet on this machine (run `sam data report` without --no-measure)");
        }
        SpeedProbe.Speed s = speed.get();
        return new DataReport.Estimate(profileName, baseModel, seq, train, trainTokens, s.tokensPerSecond(),
                s.measuredAt(), s.method(), trainTokens / s.tokensPerSecond(), note);
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }
}
