package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.SamException;
import dev.sam.train.model.ModelService;
import dev.sam.train.model.ModelShapes;
import dev.sam.train.model.ModelWriteResult;
import dev.sam.train.safetensors.Dtype;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sam model random DIR --shape ...}: a random model at a real shape, for benchmarks. */
@Command(name = "random", description = {
        "Write a random model at a real Qwen2.5-Coder shape (for benchmarks).",
        "",
        "Weights ~ normal(0, 0.02), norms 1, streamed: even 1.5B parameters need little",
        "memory. With --quantize-bits it is written MLX-quantized directly. It gets SAM's",
        "small tiny-model tokenizer, not Qwen's: use it to measure speed and memory, not",
        "quality. Shapes: qwen2.5-coder-0.5b, -1.5b, -3b, -7b.",
        "", "Example: sam model random /tmp/bench-1.5b --shape qwen2.5-coder-1.5b --dtype fp16 --quantize-bits 4"})
public final class ModelRandomCommand extends SamSubcommand {
    @Parameters(paramLabel = "DIR", description = "Directory to create.")
    Path dir;

    @Option(names = "--shape", required = true, description = "Model shape, e.g. qwen2.5-coder-1.5b.")
    String shape;

    @Option(names = "--dtype", defaultValue = "fp16", description = "fp32, fp16 or bf16 (default fp16).")
    String dtype;

    @Option(names = "--quantize-bits", paramLabel = "BITS", description = "Write MLX-quantized with 2-8 bits.")
    Integer bits;

    @Option(names = "--group-size", defaultValue = "64", description = "Quantization group size (default 64).")
    int groupSize;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default 0).")
    long seed;

    @Option(names = "--name", description = "Also register it as this base model name.")
    String name;

    @Override
    public Integer call() {
        var c = ctx();
        Dtype d = Dtype.ofTorchName(dtype).orElseThrow(() -> SamException.usage("unknown --dtype '" + dtype + "'",
                "use fp32, fp16 or bf16"));
        ModelShapes.get(shape);
        ModelWriteResult r = new ModelService(c.home()).random(dir, shape, d, bits, groupSize, seed, name,
                c.out().progress());
        c.out().result(r, out -> ModelPrint.written(out, "Random model written to", r));
        return 0;
    }
}
