package dev.sam.train.eval;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.model.ChatMessage;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.data.TrainingRecord;
import dev.sam.train.eval.code.CodeExecution;
import dev.sam.train.eval.code.CodeTask;
import dev.sam.train.eval.code.PassRate;
import dev.sam.train.eval.task.ChrF;
import dev.sam.train.infer.ChatEngine;
import dev.sam.train.infer.GenerationOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Measures {@link ModelMetrics} of one engine (base model, active version or candidate adapters) on the
 * slice: token scores of every example, greedy answers to the first {@code commitGenerations} commit
 * samples scored by exact match and {@link ChrF} against the real message, and the code suite's pass rate.
 *
 * <pre>ModelMetrics m = new SliceMetrics(examples, settings, code).measure("candidate", engine);</pre>
 */
final class SliceMetrics {
    static final String COMMITS = "commits";
    /** New tokens of a code answer: room for a small function with its class. */
    static final int CODE_MAX_TOKENS = 256;

    /** One slice example: its record and its tokens. */
    record Example(TrainingRecord record, TokenizedExample tokens) {
    }

    /** What to generate: commit answers per model, their new tokens; code tasks (empty: none). */
    record Settings(int commitGenerations, int maxNewTokens, List<CodeTask> codeTasks) {
    }

    private final List<Example> examples;
    private final Settings settings;
    private final CodeExecution code;

    SliceMetrics(List<Example> examples, Settings settings, CodeExecution code) {
        this.examples = examples;
        this.settings = settings;
        this.code = code;
    }

    ModelMetrics measure(String model, ChatEngine engine) {
        Map<String, TokenScores.Score> bySource = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        TokenScores.Score all = TokenScores.Score.ZERO;
        for (Example e : examples) {
            TokenScores.Score s = TokenScores.of(engine.model(), engine.adapters(), e.tokens());
            all = all.plus(s);
            bySource.merge(e.record().source(), s, TokenScores.Score::plus);
            counts.merge(e.record().source(), 1, Integer::sum);
        }
        Map<String, ModelMetrics.SourceMetrics> out = new LinkedHashMap<>();
        for (Map.Entry<String, TokenScores.Score> s : bySource.entrySet()) {
            TokenScores.Score v = s.getValue();
            out.put(s.getKey(), s.getKey().equals(COMMITS) ? commits(engine, counts.get(COMMITS), v)
                    : new ModelMetrics.SourceMetrics(counts.get(s.getKey()), v.loss(), v.accuracy(), null, null, null));
        }
        PassRate p = settings.codeTasks().isEmpty() ? null : code.run(settings.codeTasks(), t ->
                engine.complete(List.of(new ChatMessage("user", t.request())), GenerationOptions.greedy(CODE_MAX_TOKENS))
                        .text());
        return new ModelMetrics(model, all.loss(), all.accuracy(), all.targets(), out, p == null ? null : p.rate(),
                p == null ? null : p.tasks(), p == null ? null : p.passed());
    }

    private ModelMetrics.SourceMetrics commits(ChatEngine engine, int count, TokenScores.Score v) {
        List<Example> commits = new ArrayList<>();
        for (Example e : examples) {
            if (e.record().source().equals(COMMITS) && !e.record().isText()
                    && commits.size() < settings.commitGenerations()) {
                commits.add(e);
            }
        }
        if (commits.isEmpty()) {
            return new ModelMetrics.SourceMetrics(count, v.loss(), v.accuracy(), 0, null, null);
        }
        int exact = 0;
        int generated = 0;
        double chrf = 0;
        ChrF metric = ChrF.standard();
        for (Example e : commits) {
            List<ChatMessage> m = e.record().messages();
            String reference = m.get(m.size() - 1).content();
            String answer;
            try {
                answer = engine.complete(m.subList(0, m.size() - 1), GenerationOptions.greedy(settings.maxNewTokens()))
                        .text();
            } catch (SamException tooLong) {
                if (tooLong.exitCode() == ExitCode.INTERRUPTED) {
                    throw tooLong;
                }
                continue; // the prompt does not fit the model's context: not scored
            }
            generated++;
            exact += normalize(answer).equals(normalize(reference)) ? 1 : 0;
            chrf += metric.score(answer, reference);
        }
        return new ModelMetrics.SourceMetrics(count, v.loss(), v.accuracy(), generated,
                generated == 0 ? null : (double) exact / generated, generated == 0 ? null : chrf / generated);
    }

    private static String normalize(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }
}
