package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.SamException;
import dev.sam.train.model.AffineQuant;
import dev.sam.train.model.MlxQuantizer;
import dev.sam.train.model.ModelService;
import dev.sam.train.model.ModelWriteResult;
import dev.sam.train.safetensors.Dtype;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sam model quantize SRC DST}: MLX affine quantization of a float model. */
@Command(name = "quantize", description = {
        "Quantize a float model to MLX's affine 4/8-bit layout (like mlx_lm.convert -q).",
        "",
        "Every linear layer and the embedding become a uint32-packed weight plus fp16",
        "scales and biases per group; norms and biases keep their dtype; config.json gets",
        "\"quantization\". Tensors are streamed, so memory stays small. SRC is a registered",
        "name or a directory; DST must not exist (without DST, --name writes it to",
        "SAM_HOME/models/base/<name>).",
        "", "Example: sam model quantize tiny ~/models/tiny-4bit --bits 4 --group-size 64 --name tiny-4bit"})
public final class ModelQuantizeCommand extends SamSubcommand {
    @Parameters(index = "0", paramLabel = "SRC", description = "Float model: registered name or directory.")
    String src;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DST", description = "Directory to create.")
    Path dst;

    @Option(names = "--bits", defaultValue = "4", description = "Bits per weight: 2, 3, 4, 5, 6 or 8 (default 4).")
    int bits;

    @Option(names = "--group-size", defaultValue = "64", description = "Weights per scale/bias: 32, 64 or 128 (default 64).")
    int groupSize;

    @Option(names = "--name", description = "Register the result as this base model name.")
    String name;

    @Option(names = "--rounding", defaultValue = "mlx", description = {"mlx (default): as mlx.core.quantize, against the float32 scale;",
            "stored: against the stored fp16 scale (never worse after dequantization)."})
    String rounding;

    @Override
    public Integer call() {
        var c = ctx();
        AffineQuant.Rounding r = switch (rounding) {
            case "mlx" -> AffineQuant.Rounding.MLX;
            case "stored" -> AffineQuant.Rounding.STORED;
            default -> throw SamException.usage("unknown --rounding '" + rounding + "'", "use mlx or stored");
        };
        var o = new MlxQuantizer.Options(bits, groupSize, Dtype.F16, r);
        ModelWriteResult res = new ModelService(c.home()).quantize(src, dst, o, name, c.out().progress());
        c.out().result(res, out -> ModelPrint.written(out, "Quantized model written to", res));
        return 0;
    }
}
