package dev.sam.train.datareport;

import java.util.List;
import java.util.Map;

/**
 * {@code sam data report}: what the collected training data looks like, per source and per kind, before
 * hours are spent training on it. The JSON of {@code --json}; the HTML page renders exactly these numbers.
 *
 * @param tokenizer which tokenizer counted the tokens (the base model's, or an estimate when none is installed)
 * @param slices    per {@code source/kind}: counts, token lengths, top templates
 * @param sources   per source: counts, rejects, duplicates and conflicts, seeded random samples
 * @param mix       collect.mix as the next training run would apply it
 * @param estimate  the next run's estimated training time for the configured profile
 * @param warnings  what looks wrong (one source dominating, a template over half its source, …)
 */
public record DataReport(String generatedAt, long samples, long seed, String tokenizer, List<Slice> slices,
                         List<SourceSummary> sources, Mix mix, Estimate estimate, List<String> warnings) {
    /** A training run's report of its data, next to run.json; its summary heads the run's report.html. */
    public static final String RUN_FILE = "data-report.json";

    /** Token-length percentiles (nearest rank) of prompt + answer, and their total. */
    public record Lengths(long p10, long p50, long p90, long p99, long max, long total) {
    }

    /**
     * An instruction template and how many samples of its group use it.
     *
     * @param example the first prompt line of one sample using it (varying parts masked)
     */
    public record Template(String template, String example, long count, double share) {
    }

    public record Slice(String source, String kind, long samples, double share, Lengths tokens,
                        List<Template> templates) {
    }

    /** One sample shown as it will be trained on (long texts cut, marked with …). */
    public record Shown(String id, String kind, String template, String prompt, String answer) {
    }

    /**
     * @param rejects    every reject reason the collection counted for this source (manifest.json)
     * @param duplicates exact and near duplicates rejected
     * @param conflicts  samples rejected because the same prompt was kept with another answer
     */
    public record SourceSummary(String source, long samples, double share, Lengths tokens, Map<String, Long> rejects,
                                long duplicates, long conflicts, List<Template> templates, List<Shown> examples) {
    }

    /** @param configured collect.mix; {@code slices} per mix group: available and used samples */
    public record Mix(Map<String, Double> configured, Map<String, MixSlice> slices, long used) {
    }

    public record MixSlice(long available, long used, double share) {
    }

    /**
     * @param tokensPerSecond measured on this machine ({@code speedMethod} says how), null when unknown
     * @param trainTokens     tokens the run will process: examples × epochs (or max_steps × batch ×
     *                        grad_accum examples), each counted up to max_seq_length
     * @param seconds         trainTokens / tokensPerSecond (training steps only: no model load, no evaluation)
     */
    public record Estimate(String profile, String baseModel, Integer maxSeqLength, Long trainExamples,
                           Long trainTokens, Double tokensPerSecond, String speedMeasuredAt, String speedMethod,
                           Double seconds, String note) {
    }
}
