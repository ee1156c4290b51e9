package dev.sam.cli.deploy;

import dev.sam.core.SamException;
import dev.sam.core.config.Durations;
import dev.sam.core.store.RolloutRepository;
import dev.sam.deploy.ab.AbAnalysis;
import dev.sam.deploy.ab.ProgressiveCanary;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The progressive-canary options of {@code sam canary} (docs/user-guide.md, "A/B testing"). */
final class RolloutOptions {
    @Option(names = "--steps", split = ",", paramLabel = "N,N,…,100", description = {"Progressive canary: the shares in",
            "percent, ending with 100 (= promotion), e.g. 10,25,50,100. `sam serve`",
            "moves the canary one step per analysis interval while the A/B analysis",
            "allows it, aborts on `abort`, promotes at the end (see `sam ab status`)."})
    List<Integer> steps;

    @Option(names = "--analysis-interval", paramLabel = "DURATION", defaultValue = "1h",
            description = "Time between analyses (and at least between steps), e.g. 30m, 1h (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--min-samples", paramLabel = "N", defaultValue = "" + AbAnalysis.MIN_SAMPLES,
            description = "Judged answers each arm needs before any decision (default: ${DEFAULT-VALUE}).")
    int minSamples;

    @Option(names = "--alpha", paramLabel = "P", defaultValue = "" + AbAnalysis.ALPHA,
            description = "Significance level of the A/B tests (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--margin", paramLabel = "F", defaultValue = "" + AbAnalysis.MARGIN, description = {
            "Non-inferiority margin: promote when the canary's acceptance rate is",
            "not lower by this much or more, as a fraction (default: ${DEFAULT-VALUE} = 5 points)."})
    double margin;

    @Option(names = "--max-analyses", paramLabel = "N", defaultValue = "" + AbAnalysis.MAX_ANALYSES, description = {
            "Promotion tests at the last share before 100; still inconclusive",
            "after them, the canary is aborted (default: ${DEFAULT-VALUE})."})
    int maxAnalyses;

    /** What `sam canary --steps --json` prints: the rollout, its first share and its settings. */
    static Map<String, Object> started(RolloutRepository.Rollout r, ProgressiveCanary.Plan plan) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("rollout", r.id());
        data.put("version", r.version());
        data.put("baseline", r.baseline());
        data.put("steps", r.steps());
        data.put("share", r.share());
        data.put("settings", plan);
        return data;
    }

    boolean given() {
        return steps != null;
    }

    ProgressiveCanary.Plan plan() {
        Duration d;
        try {
            d = Durations.parse(interval);
        } catch (IllegalArgumentException e) {
            throw SamException.usage("--analysis-interval " + e.getMessage(), "e.g. --analysis-interval 1h");
        }
        if (d == null || d.isZero()) {
            throw SamException.usage("--analysis-interval must be a positive duration, got '" + interval + "'",
                    "e.g. --analysis-interval 30m");
        }
        return new ProgressiveCanary.Plan(steps, d.toMillis(), minSamples, alpha, margin, maxAnalyses);
    }
}
