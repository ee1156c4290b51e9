package dev.sam.deploy.ab;

import dev.sam.core.store.Database;
import dev.sam.core.store.OutcomeRepository;
import dev.sam.core.store.RequestMetricsRepository;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The two arms of an A/B comparison over one window (everything since {@code sinceMs}): per version its
 * request numbers (requests, errors, latency percentiles — {@link RequestMetricsRepository}) and its
 * outcomes (answers, judged answers, positive, edited — {@link OutcomeRepository}).
 */
public record AbArms(ArmNumbers baseline, ArmNumbers canary, long sinceMs) {

    /** One version's numbers in the window; {@code requests} null when it served none. */
    public record ArmNumbers(String version, String role, RequestMetricsRepository.PerVersion requests,
                             OutcomeRepository.Counts outcomes) {
        public AbAnalysis.Arm arm() {
            return new AbAnalysis.Arm(version, outcomes.judged(), outcomes.positive());
        }
    }

    public static AbArms read(Database db, String baseline, String canary, long sinceMs) {
        Map<String, RequestMetricsRepository.PerVersion> req = new RequestMetricsRepository(db).perVersion(sinceMs)
                .stream().collect(Collectors.toMap(RequestMetricsRepository.PerVersion::version, Function.identity()));
        Map<String, OutcomeRepository.Counts> out = new OutcomeRepository(db).perVersion(sinceMs);
        return new AbArms(numbers(baseline, "active", req, out), numbers(canary, "canary", req, out), sinceMs);
    }

    private static ArmNumbers numbers(String v, String role, Map<String, RequestMetricsRepository.PerVersion> req,
                                      Map<String, OutcomeRepository.Counts> out) {
        return new ArmNumbers(v, role, req.get(v), out.getOrDefault(v, new OutcomeRepository.Counts(v, 0, 0, 0, 0)));
    }

    public AbAnalysis.Result analyze(AbAnalysis analysis) {
        return analysis.analyze(baseline.arm(), canary.arm(), canary.requests());
    }
}
