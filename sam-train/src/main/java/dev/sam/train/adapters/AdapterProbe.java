package dev.sam.train.adapters;

import java.nio.file.Path;

/**
 * The generation part of the validation gate (original spec, "Model Validation": loads, generates
 * coherent output, no repetitive garbage): loads the base model with the adapters, generates from a
 * fixed prompt set and measures the repetition rate. Implemented by the inference engine (sam-train's
 * native trainer); deploy runs it when one is supplied and says "not run" otherwise.
 *
 * <pre>ProbeResult r = probe.probe(home.baseModel("qwen2-tiny"), versionDir.resolve("adapters"));</pre>
 */
@FunctionalInterface
public interface AdapterProbe {

    /**
     * @throws Exception when the model or the adapters cannot be loaded or generation fails; its
     *                   message is shown to the user as the reason the check failed
     */
    ProbeResult probe(Path baseModelDir, Path adapterDir) throws Exception;

    /**
     * Why this probe cannot run on that base model at all (e.g. a directory holding only config.json,
     * enough for the shape checks but not for generating), or empty when it can. The check is then
     * reported as "not run" with this reason, never as passed.
     */
    default java.util.Optional<String> cannotRun(Path baseModelDir) {
        return java.util.Optional.empty();
    }

    /**
     * @param samples        the generated texts, one per prompt
     * @param repetitionRate share of repeated n-grams over all generated tokens, 0..1 (docs/formats.md, "Validation gate")
     */
    record ProbeResult(java.util.List<String> samples, double repetitionRate) {
        public ProbeResult {
            samples = java.util.List.copyOf(samples);
        }
    }
}
