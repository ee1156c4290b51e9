package dev.sam.train.eval;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.model.ChatMessage;
import dev.sam.train.data.TrainingRecord;
import dev.sam.train.eval.code.CodeExecution;
import dev.sam.train.eval.code.CodeLimits;
import dev.sam.train.eval.code.CodeSuite;
import dev.sam.train.eval.code.CodeTask;
import dev.sam.train.infer.ChatEngine;
import dev.sam.train.infer.GenerationOptions;
import dev.sam.train.infer.LoadedBase;
import dev.sam.train.runs.StopSignal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The candidate, the base model and the active version measured side by side on one base model opened
 * once: the generation check's answers (candidate), {@link ModelMetrics} of each on the slice, and the
 * judge's pairwise verdict of candidate against active.
 *
 * <pre>SideBySide.Measured m = new SideBySide(config.eval(), System.getenv()).run(base, adapters, active, examples, prompts, notes, stop);</pre>
 */
final class SideBySide {
    /** Everything measured; {@code active}/{@code activeVersion} null without a comparable active version. */
    record Measured(GenerationProbe.Samples generation, ModelMetrics candidate, ModelMetrics base, ModelMetrics active,
                    String activeVersion, JudgeResult judge, EvalReport.CodeRun code) {
    }

    private final SamConfig.Eval config;
    private final Map<String, String> env;

    SideBySide(SamConfig.Eval config, Map<String, String> env) {
        this.config = config;
        this.env = env;
    }

    /**
     * @param checkRecords  held-out records whose prompts the generation check adds to its built-in ones
     * @param sliceRecords  the slice's records, whose prompts the judge is shown
     */
    Measured run(LoadedBase base, Path candidateAdapters, ActiveComparison.Active active,
                 List<SliceMetrics.Example> examples, List<TrainingRecord> checkRecords,
                 List<TrainingRecord> sliceRecords, List<String> notes, StopSignal stop) {
        EvalReport.CodeRun code = codeRun(notes);
        SamConfig.Code c = config.code();
        SliceMetrics metrics = new SliceMetrics(examples, new SliceMetrics.Settings(config.commitGenerations(),
                config.maxNewTokens(), code.tasks() == 0 ? List.of() : tasks()), new CodeExecution(
                new CodeLimits(Duration.ofSeconds(c.timeoutSeconds()), c.memoryMb(), c.python())));
        try (ChatEngine cand = ChatEngine.open(base, candidateAdapters); ChatEngine plain = ChatEngine.open(base, null)) {
            GenerationProbe.Samples g = GenerationProbe.generate(cand, PromptSet.with(checkRecords));
            Evaluator.stopIf(stop);
            ModelMetrics candM = metrics.measure("candidate", cand);
            Evaluator.stopIf(stop);
            ModelMetrics baseM = metrics.measure("base model", plain);
            Evaluator.stopIf(stop);
            ChatEngine act = active == null ? null : openActive(base, active, notes);
            try {
                ModelMetrics actM = act == null ? null : metrics.measure("active version " + active.version(), act);
                Evaluator.stopIf(stop);
                JudgeResult j = judge(cand, act, sliceRecords);
                return new Measured(g, candM, baseM, actM, act == null ? null : active.version(), j, code);
            } finally {
                if (act != null) {
                    act.close();
                }
            }
        }
    }

    private static ChatEngine openActive(LoadedBase base, ActiveComparison.Active a, List<String> notes) {
        try {
            return ChatEngine.open(base, a.adapters());
        } catch (SamException e) {
            if (e.exitCode() == ExitCode.INTERRUPTED) {
                throw e;
            }
            notes.add("active version " + a.version() + " could not be loaded on this base model and was not compared: "
                    + e.getMessage());
            return null;
        }
    }

    /** The code suite's description; a broken suite file is a note (the other metrics go on). */
    private EvalReport.CodeRun codeRun(List<String> notes) {
        String name = config.code().suite() == null ? "bundled suite" : config.code().suite();
        if (config.code().tasks() == 0) {
            return new EvalReport.CodeRun(name, 0, List.of("eval.code.tasks is 0: the code suite was not run"));
        }
        try {
            List<CodeTask> tasks = tasks();
            SamConfig.Code c = config.code();
            List<String> skipped = new CodeExecution(new CodeLimits(Duration.ofSeconds(c.timeoutSeconds()),
                    c.memoryMb(), c.python())).unavailable(tasks);
            notes.addAll(skipped);
            return new EvalReport.CodeRun(name, tasks.size(), skipped);
        } catch (SamException e) {
            String why = e.getMessage() + ": code pass rates not measured" + (e.hint() == null ? "" : " (" + e.hint() + ")");
            notes.add(why);
            return new EvalReport.CodeRun(name, 0, List.of(why));
        }
    }

    private List<CodeTask> tasks() {
        return CodeSuite.of(config.code().suite()).pick(config.code().tasks());
    }

    private JudgeResult judge(ChatEngine cand, ChatEngine act, List<TrainingRecord> records) {
        SamConfig.Judge j = config.judge();
        if (!j.configured()) {
            return JudgeResult.without(JudgeResult.NOT_CONFIGURED, "set eval.judge.url and eval.judge.model in"
                    + " config.yaml to have a judge compare answers");
        }
        if (act == null) {
            return JudgeResult.without(JudgeResult.NOT_RUN, "no comparable active version to compare with");
        }
        List<PairwiseJudge.Pair> pairs = new ArrayList<>();
        GenerationOptions o = GenerationOptions.greedy(config.maxNewTokens());
        for (TrainingRecord r : records) {
            if (pairs.size() >= j.prompts()) {
                break;
            }
            if (r.isText()) {
                continue;
            }
            List<ChatMessage> prompt = r.messages().subList(0, r.messages().size() - 1);
            try {
                pairs.add(new PairwiseJudge.Pair(prompt.get(prompt.size() - 1).content(),
                        cand.complete(prompt, o).text(), act.complete(prompt, o).text()));
            } catch (SamException tooLong) {
                if (tooLong.exitCode() == ExitCode.INTERRUPTED) {
                    throw tooLong;
                }
            }
        }
        if (pairs.isEmpty()) {
            return JudgeResult.without(JudgeResult.NOT_RUN, "no chat prompt of the slice fits the model's context");
        }
        return new PairwiseJudge(j, env).judge(pairs);
    }
}
