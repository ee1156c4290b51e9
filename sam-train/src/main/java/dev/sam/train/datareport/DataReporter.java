package dev.sam.train.datareport;

import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.Manifest;
import dev.sam.core.model.SourceStats;
import dev.sam.core.sample.CommittedData;
import dev.sam.core.store.ManifestFile;
import dev.sam.train.data.DataMix;
import dev.sam.train.data.SampleKind;
import dev.sam.train.datareport.DataReport.Lengths;
import dev.sam.train.datareport.DataReport.Shown;
import dev.sam.train.datareport.DataReport.Template;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds the {@link DataReport} of a home: reads every stored sample, counts tokens with the configured
 * base model's tokenizer (an estimate of 4 characters per token when it is not installed), groups by
 * source and kind, takes reject counts from manifest.json, draws 10 samples per source with a seeded
 * reservoir (the same seed shows the same samples), applies collect.mix as training would, and asks
 * {@link TrainingEstimator} for the next run's time.
 *
 * <pre>DataReport r = new DataReporter(home, config).build(0, true, System.err::println);</pre>
 */
public final class DataReporter {
    static final int SHOWN = 10;
    static final int TOP_TEMPLATES = 5;
    static final int SHOWN_CHARS = 600;

    private final SamHome home;
    private final SamConfig config;

    public DataReporter(SamHome home, SamConfig config) {
        this.home = home;
        this.config = config;
    }

    /**
     * @param measure whether the training speed may be measured now when this machine has no cached value
     * @param note    receives a line before a slow step (the speed measurement)
     */
    public DataReport build(long seed, boolean measure, java.util.function.Consumer<String> note) {
        List<ReportSample> all;
        try {
            all = ReportSample.readAll(home.trainingData(), home.lockFile(CommittedData.COLLECT_LOCK));
        } catch (IOException e) {
            throw SamException.failure("cannot read " + home.trainingData() + ": " + e.getMessage(),
                    "check permissions of SAM_HOME");
        }
        try (TrainingEstimator est = new TrainingEstimator(home, config)) {
            Map<ReportSample, Long> tokens = new java.util.IdentityHashMap<>();
            for (ReportSample s : all) {
                tokens.put(s, est.tokens(s.prompt()) + est.tokens(s.answer()));
            }
            Manifest manifest = new ManifestFile(home.manifest()).read();
            List<DataReport.Slice> slices = new ArrayList<>();
            group(all, s -> s.source() + "/" + s.kind()).forEach((k, l) -> slices.add(new DataReport.Slice(
                    l.get(0).source(), l.get(0).kind(), l.size(), share(l.size(), all.size()), lengths(l, tokens),
                    templates(l))));
            List<DataReport.SourceSummary> sources = new ArrayList<>();
            Map<String, List<ReportSample>> bySource = group(all, ReportSample::source);
            for (String dir : manifest.sources().keySet()) {
                bySource.putIfAbsent(SampleKind.sourceName(dir), List.of());
            }
            bySource.forEach((src, l) -> sources.add(source(src, l, all.size(), tokens, manifest, seed)));
            DataMix.Result mix = new DataMix(config.collect().mix()).apply(all.stream().map(ReportSample::record)
                    .toList());
            Map<String, DataReport.MixSlice> mixSlices = new TreeMap<>();
            mix.slices().forEach((k, v) -> mixSlices.put(k, new DataReport.MixSlice(v.available(), v.used(),
                    share(v.used(), mix.records().size()))));
            Map<Object, Long> used = new java.util.IdentityHashMap<>();
            mix.records().forEach(r -> used.put(r, 1L));
            long[] mixedTokens = all.stream().filter(s -> used.containsKey(s.record())).mapToLong(tokens::get).toArray();
            DataReport.Estimate estimate = est.estimate(mixedTokens, measure, note);
            List<String> warnings = warnings(sources, slices, all.size());
            return new DataReport(Times.now(), all.size(), seed, est.tokenizerName(), slices, sources,
                    new DataReport.Mix(mix.configured(), mixSlices, mix.records().size()), estimate, warnings);
        }
    }

    private DataReport.SourceSummary source(String src, List<ReportSample> l, int total, Map<ReportSample, Long> tokens,
                                            Manifest m, long seed) {
        SourceStats st = m.sources().entrySet().stream().filter(e -> SampleKind.sourceName(e.getKey()).equals(src))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        Map<String, Long> rejects = st == null ? Map.of() : new TreeMap<>(st.rejects());
        long dups = rejects.getOrDefault("duplicate", 0L) + rejects.getOrDefault("near_duplicate", 0L);
        return new DataReport.SourceSummary(src, l.size(), share(l.size(), total), lengths(l, tokens), rejects, dups,
                rejects.getOrDefault("conflict", 0L), templates(l), shown(src, l, seed));
    }

    /** Reservoir sampling (Algorithm R) seeded by the seed and the source name, shown in file order. */
    static List<Shown> shown(String src, List<ReportSample> l, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 31 + src.hashCode());
        int[] pick = new int[Math.min(SHOWN, l.size())];
        for (int i = 0; i < l.size(); i++) {
            if (i < pick.length) {
                pick[i] = i;
            } else {
                int j = rnd.nextInt(i + 1);
                if (j < pick.length) {
                    pick[j] = i;
                }
            }
        }
        Arrays.sort(pick);
        List<Shown> out = new ArrayList<>();
        for (int i : pick) {
            ReportSample s = l.get(i);
            out.add(new Shown(s.sample().id(), s.kind(), s.template(), cut(s.prompt()), cut(s.answer())));
        }
        return out;
    }

    static Lengths lengths(List<ReportSample> l, Map<ReportSample, Long> tokens) {
        long[] t = l.stream().mapToLong(tokens::get).sorted().toArray();
        if (t.length == 0) {
            return new Lengths(0, 0, 0, 0, 0, 0);
        }
        return new Lengths(rank(t, 10), rank(t, 50), rank(t, 90), rank(t, 99), t[t.length - 1],
                Arrays.stream(t).sum());
    }

    /** Nearest-rank percentile of sorted values. */
    static long rank(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static List<Template> templates(List<ReportSample> l) {
        Map<String, Long> n = l.stream().collect(Collectors.groupingBy(ReportSample::template, TreeMap::new,
                Collectors.counting()));
        return n.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey())).limit(TOP_TEMPLATES)
                .map(e -> new Template(e.getKey(), example(l, e.getKey()), e.getValue(), share(e.getValue(), l.size())))
                .toList();
    }

    private static String example(List<ReportSample> l, String template) {
        return l.stream().filter(s -> s.template().equals(template)).findFirst().map(s -> ReportSample.masked(s.prompt()))
                .orElse("");
    }

    private List<String> warnings(List<DataReport.SourceSummary> sources, List<DataReport.Slice> slices, int total) {
        List<String> out = new ArrayList<>();
        long present = sources.stream().filter(s -> s.samples() > 0).count();
        for (DataReport.SourceSummary s : sources) {
            if (present > 1 && s.share() > 0.5 && config.collect().mix().isEmpty()) {
                out.add(String.format(Locale.ROOT, "%s is %.0f%% of all samples; set collect.mix in config.yaml to"
                        + " give the other sources their share", s.source(), 100 * s.share()));
            }
            for (Template t : s.templates()) {
                if (s.samples() >= 20 && t.share() > 0.5) {
                    out.add(String.format(Locale.ROOT, "%.0f%% of %s samples use one template (%s)", 100 * t.share(),
                            s.source(), t.template()));
                }
            }
        }
        return out;
    }

    private static <K> Map<K, List<ReportSample>> group(List<ReportSample> l, Function<ReportSample, K> key) {
        Map<K, List<ReportSample>> m = new TreeMap<>();
        l.forEach(s -> m.computeIfAbsent(key.apply(s), k -> new ArrayList<>()).add(s));
        return m;
    }

    static double share(long n, long total) {
        return total == 0 ? 0 : Math.round(10000.0 * n / total) / 10000.0;
    }

    private static String cut(String s) {
        return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "…";
    }
}
