package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.train.peft.PeftExport;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sam export peft RUN|VERSION --out DIR}. */
@Command(name = "peft", description = {
        "Write a run's or a version's LoRA adapters in HuggingFace PEFT's format.",
        "",
        "DIR gets adapter_model.safetensors (keys base_model.model.model.layers.N.",
        "<module>.lora_A.weight [r, in] and lora_B.weight [out, r]: mlx-lm's lora_a and",
        "lora_b transposed), adapter_config.json (peft_type LORA, task_type CAUSAL_LM, r,",
        "lora_alpha = scale * r, lora_dropout, target_modules, layers_to_transform, bias",
        "none, base_model_name_or_path) and README.md. DIR must not exist or be empty.",
        "Adapters trained on an MLX 4-bit base apply to the float model of the same name.",
        "",
        "Examples:",
        "  sam export peft 20260125_100000 --out ~/peft/run",
        "  sam export peft active --out ~/peft/sam --base-model-id Qwen/Qwen2.5-Coder-1.5B-Instruct",
        "  vllm serve Qwen/Qwen2.5-Coder-1.5B-Instruct --enable-lora --lora-modules sam=~/peft/sam",
        ""})
public final class ExportPeftCommand extends SamSubcommand {
    @Parameters(paramLabel = "RUN|VERSION", description = "A run id (see `sam models`), a version such as v1.0.3, or "
            + "\"active\".")
    String source;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to create.")
    Path out;

    @Option(names = "--base-model-id", paramLabel = "ID", description = "base_model_name_or_path for PEFT, e.g. "
            + "Qwen/Qwen2.5-Coder-1.5B-Instruct (default: the base model's name in SAM).")
    String baseModelId;

    @Override
    public Integer call() {
        var c = ctx();
        PeftExport.Result r = new PeftExport(c.home(), c.config()).export(source, out, baseModelId);
        c.out().result(r, w -> {
            w.println("exported " + r.source() + " to " + r.out() + " (PEFT LoRA)");
            w.println("  " + r.tensors() + " tensors, " + r.bytes() + " bytes; r " + r.rank() + ", lora_alpha "
                    + r.loraAlpha() + " (scale " + r.scale() + "), target_modules " + r.targetModules()
                    + (r.layersToTransform() == null ? ", all layers" : ", layers " + r.layersToTransform()));
            w.println("  base_model_name_or_path: " + r.baseModelNameOrPath()
                    + (baseModelId == null ? " (give --base-model-id for the HuggingFace id)" : ""));
            w.println("next: docs/scale.md shows PEFT, TRL and vLLM commands for it");
        });
        return 0;
    }
}
