package dev.sam.train.runs;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sam.core.config.TrainingProfile;
import java.util.List;
import java.util.Map;

/**
 * The effective configuration of one run, every value resolved (flag &gt; config.yaml &gt; profile
 * default), as written to {@code runs/<id>/config.json}. A resumed run reads it back and continues
 * with exactly these settings. {@code data} is filled in once the data is tokenized.
 *
 * @param settings     the profile with overrides applied; {@code settings.baseModel} is the base's name
 * @param baseModelDir where the base model was found
 * @param fromFlags    the setting keys that came from the command line
 * @param weighting    {@code training.weighting} of the run: none or quality (null in older records: none)
 * @param curriculum   {@code training.curriculum} of the run: none, length or loss (null in older records: none)
 * @param method       what was asked for: {@code auto} (both stages when preference pairs exist), {@code sft},
 *                     {@code dpo} or {@code sft+dpo} (null in older records: sft)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RunPlan(String runId, String profile, TrainingProfile settings, String baseModelDir,
                      List<String> fromFlags, boolean forced, int minSamples, double validFraction,
                      boolean maskPrompt, DataShape data, String createdAt, String weighting, String curriculum,
                      String method) {
    public static final String AUTO = "auto";

    /** What the data made of the settings. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record DataShape(int trainExamples, int validExamples, int batchesPerEpoch, int totalSteps,
                            int longestTokens, String fingerprint, Map<String, Double> mixConfigured,
                            Map<String, dev.sam.train.data.DataMix.Slice> mix) {
        public DataShape(int trainExamples, int validExamples, int batchesPerEpoch, int totalSteps, int longestTokens,
                         String fingerprint) {
            this(trainExamples, validExamples, batchesPerEpoch, totalSteps, longestTokens, fingerprint, Map.of(),
                    Map.of());
        }

        public DataShape {
            mixConfigured = mixConfigured == null ? Map.of() : Map.copyOf(mixConfigured);
            mix = mix == null ? Map.of() : Map.copyOf(mix);
        }
    }

    public RunPlan {
        fromFlags = fromFlags == null ? List.of() : List.copyOf(fromFlags);
        weighting = weighting == null ? "none" : weighting;
        curriculum = curriculum == null ? "none" : curriculum;
        method = method == null ? "sft" : method;
    }

    /** Whether this run has a supervised stage (every method but dpo). */
    public boolean trainsSft() {
        return !method.equals("dpo");
    }

    /**
     * Whether this run uses preference pairs (every method but sft): it then checks them, and trains a
     * preference stage when any is usable ({@code auto}) or refuses to start without one.
     */
    public boolean usesPairs() {
        return !method.equals("sft");
    }

    public RunPlan withData(DataShape d) {
        return new RunPlan(runId, profile, settings, baseModelDir, fromFlags, forced, minSamples, validFraction,
                maskPrompt, d, createdAt, weighting, curriculum, method);
    }

    public RunPlan withRunId(String id, String created) {
        return new RunPlan(id, profile, settings, baseModelDir, fromFlags, forced, minSamples, validFraction,
                maskPrompt, data, created, weighting, curriculum, method);
    }
}
