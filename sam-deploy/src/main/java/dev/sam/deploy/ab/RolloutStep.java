package dev.sam.deploy.ab;

import dev.sam.core.store.RolloutRepository;
import dev.sam.core.store.RolloutRepository.Rollout;
import java.util.List;

/**
 * What one analysis does to a progressive canary (Flagger's stepWeights, Argo Rollouts' setWeight steps
 * each followed by an analysis): {@code abort} aborts at any step; below the last share the canary moves
 * to the next share once each arm has its minimum judged answers and the verdict is not {@code abort};
 * at the last share before 100 only {@code promote} moves on (to 100 = promotion), and after
 * {@code maxAnalyses} inconclusive promotion tests the canary is aborted (the active version stays), so
 * a rollout always ends and makes at most that many tests. A pure function.
 */
public final class RolloutStep {
    private RolloutStep() {
    }

    public enum Kind { HOLD, ADVANCE, PROMOTE, ABORT }

    /** The move, the share it leads to, why, and the rollout's next state. */
    public record Move(Kind kind, int share, String reason, Rollout next) {
    }

    /** Validates a step list: increasing shares in 1..100, ending with 100, at least one below it. */
    public static String problem(List<Integer> steps) {
        if (steps.size() < 2 || steps.get(steps.size() - 1) != 100) {
            return "the steps must be increasing shares in percent ending with 100 (the promotion), e.g."
                    + " 10,25,50,100; got " + steps;
        }
        for (int i = 0; i < steps.size(); i++) {
            int s = steps.get(i);
            if (s < 1 || s > 100 || (i > 0 && s <= steps.get(i - 1)) || (i < steps.size() - 1 && s > 99)) {
                return "the steps must be increasing shares in 1..99 followed by 100, got " + steps;
            }
        }
        return null;
    }

    public static Move decide(Rollout r, AbAnalysis.Result a, long nowMs) {
        if (a.verdict() == AbAnalysis.Verdict.ABORT) {
            return new Move(Kind.ABORT, 0, a.reason(), r.ended(RolloutRepository.ABORTED, a.reason()));
        }
        boolean last = r.stepIndex() == r.steps().size() - 2;
        if (!a.enoughSamples()) {
            return new Move(Kind.HOLD, r.share(), a.reason(), r.analysed(nowMs, r.finalAnalyses()));
        }
        if (!last) {
            int next = r.steps().get(r.stepIndex() + 1);
            return new Move(Kind.ADVANCE, next, a.name() + " at " + r.share() + "%: " + a.reason(),
                    r.at(r.stepIndex() + 1, nowMs));
        }
        int finals = r.finalAnalyses() + 1;
        if (a.verdict() == AbAnalysis.Verdict.PROMOTE) {
            return new Move(Kind.PROMOTE, 100, a.reason(),
                    r.analysed(nowMs, finals).ended(RolloutRepository.PROMOTED, a.reason()));
        }
        if (finals >= r.maxAnalyses()) {
            String why = "no promotion after " + finals + " analyses at " + r.share() + "% (" + a.reason() + ")";
            return new Move(Kind.ABORT, 0, why, r.analysed(nowMs, finals).ended(RolloutRepository.ABORTED, why));
        }
        return new Move(Kind.HOLD, r.share(), a.reason() + " (analysis " + finals + " of " + r.maxAnalyses() + ")",
                r.analysed(nowMs, finals));
    }
}
