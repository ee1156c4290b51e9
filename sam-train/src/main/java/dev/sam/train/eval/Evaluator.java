package dev.sam.train.eval;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.store.Database;
import dev.sam.train.adapters.AdapterProbe;
import dev.sam.train.adapters.AdapterSanity;
import dev.sam.train.adapters.Check;
import dev.sam.train.adapters.GenerationCheck;
import dev.sam.train.data.DataPreparer;
import dev.sam.train.data.ExampleTokenizer;
import dev.sam.train.data.PreferenceExample;
import dev.sam.train.data.PreferencePairs;
import dev.sam.train.data.PreparedData;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.data.TrainingRecord;
import dev.sam.train.infer.ChatEngine;
import dev.sam.train.infer.LoadedBase;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.runs.RunStore;
import dev.sam.train.runs.StopSignal;
import dev.sam.train.tokenizer.ChatTemplate;
import dev.sam.train.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluation and blessing (the original's "Model Evaluation"; docs/user-guide.md, "Evaluation"): sanity
 * checks; loads and generates on a fixed prompt set (repetition rate &lt; 5%); then the candidate, the
 * base model and the active version side by side on the frozen {@link BenchmarkSlice} — held-out loss and
 * per-token accuracy per source, commit exact match and chrF, code pass rate — and the optional judge;
 * {@link BlessingRule} decides. The original spec's targets are reported as pass/fail and do not bless.
 * For a run, eval.json and report.html go to {@code runs/<id>/} and the numbers into the run's metrics; a
 * version is evaluated without changing the store. Every evaluation on a slice is a line of the history.
 *
 * <pre>EvalReport r = new Evaluator(home, config, db).evaluate("20260125_100000", StopSignal.NEVER);</pre>
 */
public final class Evaluator {
    public static final String EVAL_JSON = "eval.json";
    public static final String REPORT_HTML = "report.html";

    private final SamHome home;
    private final SamConfig config;
    private final RunStore store;
    private boolean refreshSlice;

    public Evaluator(SamHome home, SamConfig config, Database db) {
        this(home, config, new RunStore(home, db));
    }

    public Evaluator(SamHome home, SamConfig config, RunStore store) {
        this.home = home;
        this.config = config;
        this.store = store;
    }

    /** Freeze a new benchmark slice from the current held-out data before evaluating ({@code --refresh-slice}). */
    public Evaluator refreshSlice(boolean refresh) {
        this.refreshSlice = refresh;
        return this;
    }

    /** {@code sam eval RUN|VERSION}: measured on the frozen benchmark slice (frozen now if there is none). */
    public EvalReport evaluate(String runOrVersion, StopSignal stop) {
        EvalTarget t = EvalTarget.resolve(home, config, store, runOrVersion);
        PreparedData data = data(t);
        EvalReport r = compute(t, data, stop);
        if (t.run() != null) {
            write(t, r);
            store.merge(t.run(), EvalMetrics.of(r));
        }
        return r;
    }

    /** After training: the run's own split; writes eval.json and report.html (the caller records the run). */
    public EvalReport evaluateRun(EvalTarget t, PreparedData data, StopSignal stop) {
        EvalReport r = compute(t, data, stop);
        write(t, r);
        return r;
    }

    private PreparedData data(EvalTarget t) {
        DataPreparer p = new DataPreparer(home);
        try (Tokenizer tok = Tokenizer.load(new dev.sam.train.model.BaseModelRegistry(home).require(t.baseModel()))) {
            PreparedData d = p.prepare(p.load(), tok, t.maxSeqLength(), DataPreparer.VALID_FRACTION);
            if (t.plan() != null && t.plan().data() != null && !d.fingerprint().equals(t.plan().data().fingerprint())) {
                return d.withWarnings(append(d.warnings(), "the training data changed since run " + t.id()
                        + " trained: the held-out examples are the current data's validation split"));
            }
            return d;
        }
    }

    EvalReport compute(EvalTarget t, PreparedData data, StopSignal stop) {
        List<String> notes = new ArrayList<>(data.warnings());
        AdapterSanity.Result s = new AdapterSanity(home).check(t.adaptersDir(),
                new AdapterSanity.BaseChoice(t.baseModel(), null, null), false);
        List<Check> checks = new ArrayList<>(s.checks());
        notes.addAll(s.notes());
        Double trainLoss = t.run() != null && t.run().metrics().get("train_loss") instanceof Number n
                ? n.doubleValue() : null;
        boolean sane = checks.stream().noneMatch(c -> c.outcome() == Check.Outcome.FAILED) && s.base() != null;
        if (!sane) {
            checks.add(Check.notRun(GenerationCheck.NAME, "sanity checks failed"));
            return Verdict.report(t, s, heldOut(data, null, List.of()), checks, null, trainLoss, notes, null,
                    config.eval().tolerance(), null);
        }
        stopIf(stop);
        SliceChoice slice = SliceChoice.resolve(home, config.eval().sliceSize(), data, refreshSlice, notes);
        List<TrainingRecord> records = slice != null ? slice.records() : data.heldOutRecords();
        ActiveComparison.Active active = new ActiveComparison(home).locate(t, notes);
        try (LoadedBase base = LoadedBase.open(s.base().dir())) {
            List<SliceMetrics.Example> examples = tokenize(base, records, t.maxSeqLength());
            EvalReport.HeldOut ho = heldOut(data, slice, examples);
            SideBySide.Measured m = new SideBySide(config.eval(), System.getenv()).run(base, s.files().dir(), active,
                    examples, data.heldOutRecords(), records, notes, stop);
            checks.add(GenerationCheck.judge(new AdapterProbe.ProbeResult(m.generation().texts(),
                    m.generation().repetitionRate())));
            EvalReport.Preference pref = preference(t, data, base, active, notes);
            EvalReport r = Verdict.report(t, s, ho, checks, m, trainLoss, notes, slice, config.eval().tolerance(), pref);
            if (slice != null) {
                EvalHistory.append(home, r);
            }
            return r;
        } catch (SamException e) {
            if (e.exitCode() == ExitCode.INTERRUPTED) {
                throw e;
            }
            checks.add(Check.failed(GenerationCheck.NAME, "the model did not load or generate",
                    List.of(e.getMessage())));
            return Verdict.report(t, s, heldOut(data, slice, List.of()), checks, null, trainLoss, notes, slice,
                    config.eval().tolerance(), null);
        }
    }

    /**
     * Held-out preference accuracy of a run whose training had a preference stage, and the active version's on
     * the same pairs, both against the frozen base as reference (so the two are comparable whatever
     * reference each was trained against); null for other targets.
     */
    private EvalReport.Preference preference(EvalTarget t, PreparedData data, LoadedBase base,
                                             ActiveComparison.Active active, List<String> notes) {
        if (t.run() == null || !(t.run().metrics().get("stages") instanceof List<?> stages) || !stages.contains("dpo")) {
            return null;
        }
        PreferencePairs pairs = PreferencePairs.prepare(data.pairs(), base.tokenizer(), t.maxSeqLength(),
                DataPreparer.VALID_FRACTION);
        List<PreferenceExample> held = pairs.heldOut();
        if (held.isEmpty()) {
            notes.add("no usable preference pair left to measure preference accuracy on");
            return null;
        }
        String source = pairs.heldOutIsTrain() ? "training pairs (none held out)" : "held-out pairs";
        if (pairs.heldOutIsTrain()) {
            notes.add("preference accuracy is measured on the training pairs: none is held out");
        }
        NativeModel model = base.model();
        double[] ref = PreferenceAccuracy.logProbs(model, null, held);
        double cand;
        try (LoraAdapters a = ChatEngine.loadAdapters(model, t.adaptersDir())) {
            cand = PreferenceAccuracy.of(model, a, ref, held).accuracy();
        }
        Double act = null;
        if (active != null) {
            try (LoraAdapters a = ChatEngine.loadAdapters(model, active.adapters())) {
                act = PreferenceAccuracy.of(model, a, ref, held).accuracy();
            }
        }
        return new EvalReport.Preference(source, held.size(), cand, act);
    }

    static List<SliceMetrics.Example> tokenize(LoadedBase base, List<TrainingRecord> records, int maxSeq) {
        ExampleTokenizer et = new ExampleTokenizer(base.tokenizer(), ChatTemplate.qwen(), maxSeq);
        List<SliceMetrics.Example> out = new ArrayList<>();
        for (TrainingRecord r : records) {
            List<TokenizedExample> e = et.tokenize(List.of(r)).examples();
            if (!e.isEmpty()) {
                out.add(new SliceMetrics.Example(r, e.get(0)));
            }
        }
        return out;
    }

    private static EvalReport.HeldOut heldOut(PreparedData data, SliceChoice slice, List<SliceMetrics.Example> ex) {
        String what = slice != null ? "frozen benchmark slice " + slice.slice().id() : data.heldOutIsTrain()
                ? "training examples (no validation example)" : "validation split (no benchmark slice)";
        return new EvalReport.HeldOut(what, ex.size(), ex.stream().mapToLong(e -> e.tokens().scored()).sum());
    }

    private void write(EvalTarget t, EvalReport r) {
        Path dir = home.runDir(t.id());
        try {
            AtomicFiles.writeJson(dir.resolve(EVAL_JSON), r);
            ReportPage.write(dir.resolve(REPORT_HTML), t, r, new dev.sam.train.runs.MetricsLog(
                    dir.resolve("metrics.jsonl")).read(), r.slice() == null ? List.of()
                    : EvalHistory.onSlice(home, r.slice().id()));
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "cannot write the evaluation into " + dir + ": " + e.getMessage(),
                    "check free disk space and permissions of SAM_HOME", e);
        }
    }

    static void stopIf(StopSignal stop) {
        if (stop.requested()) {
            throw new SamException(ExitCode.INTERRUPTED, "evaluation interrupted (" + stop.reason() + ")",
                    "run it again with `sam eval RUN_ID`");
        }
    }

    private static List<String> append(List<String> l, String s) {
        List<String> out = new ArrayList<>(l);
        out.add(s);
        return out;
    }

    /** Timestamp of an evaluation (local ISO time). */
    static String now() {
        return Times.now();
    }

    /** The run-metric view of a report (what {@code sam status}, {@code sam models} and deploy show). */
    public static Map<String, Object> metrics(EvalReport r) {
        return EvalMetrics.of(r);
    }
}
