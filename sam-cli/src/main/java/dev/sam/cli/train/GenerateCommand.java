package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.train.infer.GenerateService;
import dev.sam.train.infer.GenerationOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sam generate}: one answer from the base model, optionally with adapters, streamed to stdout. */
@Command(name = "generate", description = {
        "Generate an answer with the base model and optional adapters.",
        "",
        "The prompt goes through the Qwen chat template; the answer is streamed to stdout",
        "as it is generated (stats on stderr); --json prints the whole result at the end.",
        "Adapters: a directory, a run's, or a deployed version's (\"active\" for the",
        "active one); the base defaults to the one they were trained on.",
        "",
        "Examples:",
        "  sam generate --prompt \"Write a Python function that reverses a list\"",
        "  sam generate --prompt \"Say hello in rust\" --run 20260125_100000 --max-tokens 64",
        "  sam generate --prompt \"hi\" --version active --temperature 0.7 --seed 3",
        ""})
public final class GenerateCommand extends SamSubcommand {
    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The user message.")
    String prompt;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message (default: Qwen's).")
    String system;

    @Option(names = "--adapters", paramLabel = "DIR", description = "An mlx-lm adapter directory.")
    Path adapters;

    @Option(names = "--run", paramLabel = "RUN_ID", description = "The adapters of a training run.")
    String run;

    @Option(names = "--version", paramLabel = "vX.Y.Z", description = "A deployed version, or \"active\".")
    String version;

    @Option(names = "--base", paramLabel = "NAME", description = "Base model (default: the adapters' own, else "
            + "training.base_model, else the default profile's).")
    String base;

    @Option(names = "--max-tokens", defaultValue = "256", paramLabel = "N", description = "New tokens at most "
            + "(default 256).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T", description = "0 = greedy (default).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", paramLabel = "P", description = "Nucleus sampling (default 1).")
    double topP;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed (default 0).")
    long seed;

    @Override
    public Integer call() {
        var c = ctx();
        var request = new GenerateService.Request(prompt, system, adapters, run, version, base,
                new GenerationOptions(maxTokens, temperature, topP, seed));
        PrintWriter stdout = c.out().stdout();
        boolean stream = !c.json();
        GenerateService.Result r = new GenerateService(c.home(), c.config()).generate(request, piece -> {
            if (stream) {
                stdout.print(piece);
                stdout.flush();
            }
        });
        if (stream) {
            stdout.println();
            stdout.flush();
            var k = r.completion();
            c.out().note(String.format(Locale.ROOT, "[%s: %d prompt + %d new tokens, %s, %.0f ms prefill, %.1f tok/s]",
                    r.source(), k.promptTokens(), k.completionTokens(), k.finishReason(), k.prefillMs(),
                    k.tokensPerSecond()));
        } else {
            c.out().result(r, out -> { });
        }
        return 0;
    }
}
