package dev.sam.train.eval;

import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.infer.ChatEngine;
import dev.sam.train.infer.LoadedBase;
import dev.sam.train.model.BaseModelRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sam compare vA vB}, the offline A/B: both versions on the frozen {@link BenchmarkSlice} with one
 * base model loaded once — held-out loss and token accuracy of each, and per sample which version has the
 * lower loss (a tie within {@link #TIE} nats per token). The wins and losses get an exact two-sided sign
 * test (Conover, <i>Practical Nonparametric Statistics</i>, 3rd ed., §3.4): how likely a split at least
 * this uneven is if neither version were better.
 *
 * <pre>VersionComparison.Report r = new VersionComparison(home, config).compare("v1.0.2", "v1.0.3", progress);</pre>
 */
public final class VersionComparison {
    /** Per-token losses closer than this are a tie (the same adapters give the same loss to ~1e-6). */
    public static final double TIE = 1e-4;

    private final SamHome home;
    private final SamConfig config;

    public VersionComparison(SamHome home, SamConfig config) {
        this.home = home;
        this.config = config;
    }

    /** One version's numbers over the slice. */
    public record Side(String version, Double loss, Double accuracy, long targets, long wins) {
    }

    /** One sample: its number in the slice, source and original location, each version's mean loss per target, and who won ("a", "b", "tie"). */
    public record Sample(int index, String source, String location, long targets, double lossA, double lossB,
                         String winner) {
    }

    public record Report(String sliceId, int samples, Side a, Side b, long ties, double signTestP,
                         List<Sample> perSample, String baseModel) {
    }

    public Report compare(String versionA, String versionB, ProgressListener progress) {
        if (versionA.equals(versionB)) {
            throw SamException.usage("compare two different versions, got " + versionA + " twice", "e.g. `sam compare"
                    + " v1.0.2 v1.0.3`");
        }
        EvalTarget a = EvalTarget.version(home, config, versionA);
        EvalTarget b = EvalTarget.version(home, config, versionB);
        if (!a.baseModel().equals(b.baseModel())) {
            throw SamException.usage(versionA + " was trained on base model '" + a.baseModel() + "' and " + versionB
                    + " on '" + b.baseModel() + "': their losses are over different tokens", "compare versions of one"
                    + " base model");
        }
        BenchmarkSlice slice = BenchmarkSlice.load(home);
        if (slice == null) {
            throw SamException.notReady("no frozen benchmark slice in " + home.benchmarkSlice(), "freeze one with"
                    + " `sam eval " + versionB + "` (the first evaluation freezes it)");
        }
        try (LoadedBase base = LoadedBase.open(new BaseModelRegistry(home).require(a.baseModel()));
             ChatEngine ea = ChatEngine.open(base, a.adaptersDir()); ChatEngine eb = ChatEngine.open(base, b.adaptersDir())) {
            List<SliceMetrics.Example> examples = Evaluator.tokenize(base, slice.records(home), a.maxSeqLength());
            List<Sample> samples = new ArrayList<>();
            TokenScores.Score sa = TokenScores.Score.ZERO;
            TokenScores.Score sb = TokenScores.Score.ZERO;
            long winsA = 0;
            long winsB = 0;
            progress.start("comparing " + versionA + " and " + versionB + " on the benchmark slice", examples.size());
            for (int i = 0; i < examples.size(); i++) {
                SliceMetrics.Example e = examples.get(i);
                TokenScores.Score x = TokenScores.of(ea.model(), ea.adapters(), e.tokens());
                TokenScores.Score y = TokenScores.of(eb.model(), eb.adapters(), e.tokens());
                sa = sa.plus(x);
                sb = sb.plus(y);
                if (x.targets() == 0) {
                    progress.update(i + 1, "");
                    continue;
                }
                double la = x.loss();
                double lb = y.loss();
                String w = Math.abs(la - lb) <= TIE ? "tie" : la < lb ? "a" : "b";
                winsA += w.equals("a") ? 1 : 0;
                winsB += w.equals("b") ? 1 : 0;
                int item = e.record().line(); // the record's line in the slice file is its 1-based item number
                samples.add(new Sample(item, e.record().source(), slice.samples().get(item - 1).location(), x.targets(),
                        la, lb, w));
                progress.update(i + 1, versionA + " " + winsA + " · " + versionB + " " + winsB);
            }
            progress.finish(null);
            return new Report(slice.id(), samples.size(), new Side(versionA, sa.loss(), sa.accuracy(), sa.targets(), winsA),
                    new Side(versionB, sb.loss(), sb.accuracy(), sb.targets(), winsB), samples.size() - winsA - winsB,
                    signTest(winsA, winsB), List.copyOf(samples), a.baseModel());
        }
    }

    /** Exact two-sided sign test: P(a split at least this uneven | each side wins with probability 1/2). */
    public static double signTest(long winsA, long winsB) {
        long n = winsA + winsB;
        if (n == 0) {
            return 1;
        }
        long k = Math.min(winsA, winsB);
        double tail = 0;
        double logHalfN = n * Math.log(0.5);
        for (long i = 0; i <= k; i++) {
            tail += Math.exp(logChoose(n, i) + logHalfN);
        }
        return Math.min(1, 2 * tail);
    }

    private static double logChoose(long n, long k) {
        double s = 0;
        for (long i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }
}
