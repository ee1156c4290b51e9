package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.SamException;
import dev.sam.train.fuse.FuseService;
import dev.sam.train.safetensors.Dtype;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sam model fuse RUN|VERSION}: merge adapters into their base model. */
@Command(name = "fuse", description = {
        "Merge a run's or a version's LoRA adapters into their base model (like mlx_lm.fuse).",
        "",
        "Every adapted weight becomes W + scale * (A B)^T, computed in float32 on the base",
        "as the trainer sees it (an MLX-quantized base is dequantized first). The result is",
        "a HuggingFace/MLX model directory — config.json, the tokenizer files, safetensors",
        "shards and model.safetensors.index.json — that `sam model add`, mlx-lm and",
        "transformers load. Weights are float (--dtype, default the base's) unless",
        "--quantize asks for MLX's affine 4/8-bit layout again.",
        "Without --out it is SAM's fused copy, SAM_HOME/models/sam-brain-fused/, replaced by",
        "the next fuse; --out DIR must not exist or be empty. Written whole or not at all.",
        "",
        "Examples:",
        "  sam model fuse active",
        "  sam model fuse v1.0.3 --out ~/models/sam-v1.0.3 --dtype f16",
        "  sam model fuse 20260125_100000 --out ~/models/sam-4bit --quantize 4 --group-size 64"})
public final class ModelFuseCommand extends SamSubcommand {
    @Parameters(paramLabel = "RUN|VERSION", description = "A run id (see `sam models`), a version such as v1.0.3, or "
            + "\"active\".")
    String source;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory to create (default: "
            + "SAM_HOME/models/sam-brain-fused).")
    Path out;

    @Option(names = "--dtype", paramLabel = "f16|bf16|f32", description = "Float type of the weights (default: "
            + "the base model's torch_dtype).")
    String dtype;

    @Option(names = "--quantize", paramLabel = "BITS", description = "Requantize to MLX affine BITS (4 or 8; MLX "
            + "also has 2, 3, 5, 6).")
    Integer bits;

    @Option(names = "--group-size", defaultValue = "64", paramLabel = "N", description = "Weights per scale with "
            + "--quantize: 32, 64 or 128 (default 64).")
    int groupSize;

    @Override
    public Integer call() {
        var c = ctx();
        Dtype d = dtype == null ? null : Dtype.ofTorchName(dtype).orElseThrow(() -> SamException.usage(
                "unknown --dtype '" + dtype + "'", "use f16, bf16 or f32"));
        FuseService.Result r = new FuseService(c.home(), c.config()).fuse(new FuseService.Request(source, out, d, bits,
                groupSize), c.out().progress());
        c.out().result(r, w -> {
            w.println("fused " + r.source() + " into " + r.out());
            w.println("  " + r.fusedWeights().size() + " weights merged; " + r.dtype() + (r.quantization() == null
                    ? "" : ", MLX " + r.quantization()) + "; " + ModelPrint.bytes(r.bytes()) + " in "
                    + String.join(", ", r.shards()));
            w.println("next: sam model add " + r.out() + " --name NAME, or sam export gguf " + source
                    + " --out FILE.gguf");
        });
        return 0;
    }
}
