package dev.sam.train.eval;

import dev.sam.train.adapters.AdapterProbe;
import dev.sam.train.infer.ChatEngine;
import dev.sam.train.infer.Completion;
import dev.sam.train.infer.GenerationOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * "Loads and generates" for the validation gate: opens the base model with the adapters through
 * {@link ChatEngine}, answers every prompt of a {@link PromptSet} greedily and measures the
 * {@link RepetitionRate}. Used by {@code sam deploy} (as its {@link AdapterProbe}) and by the evaluator.
 *
 * <pre>AdapterProbe probe = new GenerationProbe(); probe.probe(baseDir, adapterDir);</pre>
 */
public final class GenerationProbe implements AdapterProbe {
    /** New tokens per prompt: enough to see a loop, short enough for a CPU. */
    public static final int MAX_TOKENS = 96;

    /** The answers to all prompts and their repetition rate. */
    public record Samples(List<PromptSet.Prompt> prompts, List<Completion> completions, double repetitionRate) {
        public List<String> texts() {
            return completions.stream().map(Completion::text).toList();
        }
    }

    @Override
    public ProbeResult probe(Path baseModelDir, Path adapterDir) {
        try (ChatEngine e = ChatEngine.open(baseModelDir, adapterDir)) {
            Samples s = generate(e, PromptSet.builtin());
            return new ProbeResult(s.texts(), s.repetitionRate());
        }
    }

    @Override
    public java.util.Optional<String> cannotRun(Path baseModelDir) {
        boolean tokenizer = java.nio.file.Files.isRegularFile(baseModelDir.resolve("tokenizer.json"));
        boolean weights = !dev.sam.train.model.ModelWeights.files(baseModelDir).isEmpty();
        if (tokenizer && weights) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("base model " + baseModelDir + " has " + (weights ? "no tokenizer.json"
                : tokenizer ? "no weights" : "no weights and no tokenizer.json") + ": only the shapes were checked");
    }

    /** Greedy answers of the engine to each prompt. */
    public static Samples generate(ChatEngine engine, List<PromptSet.Prompt> prompts) {
        List<Completion> out = new ArrayList<>();
        for (PromptSet.Prompt p : prompts) {
            out.add(engine.complete(p.messages(), GenerationOptions.greedy(MAX_TOKENS)));
        }
        double rate = RepetitionRate.of(out.stream().map(Completion::tokenIds).toList());
        return new Samples(prompts, out, rate);
    }
}
