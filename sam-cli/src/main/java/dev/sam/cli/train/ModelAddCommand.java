package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.train.model.ModelService;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sam model add DIR}: validate a model directory and register it as a base model. */
@Command(name = "add", description = {
        "Check a local HuggingFace or MLX Qwen2 model and register it.",
        "",
        "Checked first, all problems reported at once: config.json valid, tokenizer.json",
        "loadable, every weight tensor present with the shape config.json implies.",
        "Registering makes SAM_HOME/models/base/<name> a symlink to DIR (or, with --copy,",
        "a copy). An existing name is never overwritten.",
        "", "Example: sam model add ~/models/Qwen2.5-Coder-1.5B-Instruct-4bit --name qwen-coder-4bit"})
public final class ModelAddCommand extends SamSubcommand {
    @Parameters(paramLabel = "DIR", description = "The model directory.")
    Path dir;

    @Option(names = "--name", description = "Name to register it under (default: the directory's name).")
    String name;

    @Option(names = "--copy", description = "Copy the files into SAM_HOME instead of linking to them.")
    boolean copy;

    @Override
    public Integer call() {
        var c = ctx();
        ModelService models = new ModelService(c.home());
        ModelService.AddResult r = models.add(dir, name, copy);
        java.util.List<String> adopted = models.adoptAsDefault(c.config(), r.name(), null);
        c.out().result(r, out -> {
            var k = r.check();
            out.println("Registered '" + r.name() + "' -> " + r.source() + " (" + r.mode() + ")");
            out.println("  shape         " + k.shape());
            out.println("  dtype         " + k.dtype() + (k.quantization() != null ? ", MLX " + k.quantization() : ""));
            out.println("  parameters    " + ModelPrint.params(k.params()));
            out.println("  tokenizer     " + k.tokenizerVocab() + " tokens");
            out.println("  size          " + ModelPrint.bytes(k.sizeBytes()) + " in " + String.join(", ", k.weightFiles()));
            k.warnings().forEach(w -> out.println("warning: " + w));
            ModelPrint.adopted(out, c.home().configFile(), adopted);
        });
        return 0;
    }
}
