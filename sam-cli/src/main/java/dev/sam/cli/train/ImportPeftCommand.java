package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.train.peft.PeftImport;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sam import peft DIR}: PEFT LoRA adapters as an mlx-lm adapter directory. */
@Command(name = "peft", description = {
        "Convert HuggingFace PEFT LoRA adapters into an mlx-lm adapter directory.",
        "",
        "DIR is what PEFT's save_pretrained wrote: adapter_config.json and",
        "adapter_model.safetensors. lora_A [r, in] and lora_B [out, r] become mlx-lm's",
        "lora_a [in, r] and lora_b [r, out]; the scale is lora_alpha / r (lora_alpha /",
        "sqrt(r) with use_rslora). mlx-lm adapts the last N layers: layers in that range",
        "that PEFT left out (layers_to_transform) get zero matrices, which change nothing.",
        "Refused by name: DoRA, modules other than q/k/v/o/gate/up/down_proj, rank_pattern,",
        "alpha_pattern, trained biases, modules_to_save, and shapes of another base model.",
        "The result (default SAM_HOME/models/imported/<name of DIR>) goes to `sam deploy`.",
        "",
        "Examples:",
        "  sam import peft ~/out/adapter --base qwen-coder-1.5b",
        "  sam deploy ~/.sam/models/imported/adapter"})
public final class ImportPeftCommand extends SamSubcommand {
    @Parameters(paramLabel = "DIR", description = "The PEFT adapter directory.")
    Path dir;

    @Option(names = "--base", paramLabel = "NAME", description = "SAM's base model (default: base_model_name_or_path "
            + "of adapter_config.json, looked up among the registered models).")
    String base;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory to create (default: "
            + "SAM_HOME/models/imported/<name of DIR>).")
    Path out;

    @Override
    public Integer call() {
        var c = ctx();
        PeftImport.Result r = new PeftImport(c.home()).importDir(dir, base, out);
        c.out().result(r, w -> {
            w.println("imported " + r.from() + " to " + r.out() + " (mlx-lm LoRA on base " + r.baseModel() + ")");
            w.println("  r " + r.rank() + ", lora_alpha " + r.loraAlpha() + (r.rslora() ? " (rsLoRA)" : "") + " -> scale "
                    + r.scale() + "; " + (r.numLayers() == -1 ? "all layers" : "last " + r.numLayers() + " layers")
                    + (r.zeroLayers().isEmpty() ? "" : " (layers " + r.zeroLayers() + " not adapted by PEFT: zero)")
                    + "; keys " + String.join(", ", r.keys()));
            w.println("next: sam deploy " + r.out());
        });
        return 0;
    }
}
