package dev.sam.train.fuse;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.infer.EngineSource;
import dev.sam.train.model.AffineQuant;
import dev.sam.train.model.Quantization;
import dev.sam.train.model.StagedDirectory;
import dev.sam.train.safetensors.Dtype;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * {@code sam model fuse}: a run's or a version's adapters merged into their base model, written as a
 * model directory that {@code sam model add}, mlx-lm and transformers load ({@link ModelFuser}). Without
 * {@code --out} the result is SAM's fused copy, {@code models/sam-brain-fused/} (original pipeline,
 * "Storage"), which a new fuse replaces; an explicit {@code --out} must not exist or be empty. Either way
 * the directory appears whole or not at all.
 *
 * <pre>FuseService.Result r = new FuseService(home, config).fuse(new FuseService.Request("v1.0.3", null, null, null, 64), progress);</pre>
 */
public final class FuseService {
    private final SamHome home;
    private final SamConfig config;

    public FuseService(SamHome home, SamConfig config) {
        this.home = home;
        this.config = config;
    }

    /**
     * RUN|VERSION|"active", destination (null: models/sam-brain-fused), float dtype (null: the base's),
     * bits to requantize to (null: float weights) and their group size.
     */
    public record Request(String source, Path out, Dtype dtype, Integer bits, int groupSize) {
    }

    /** What was written. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Result(String source, String baseModel, String baseDir, String adaptersDir, String out, String dtype,
                         String quantization, List<String> fusedWeights, List<String> shards, List<String> copiedFiles,
                         int tensors, long bytes) {
    }

    public Result fuse(Request r, ProgressListener progress) {
        EngineSource src = EngineSource.ofRunOrVersion(home, config, r.source());
        AffineQuant.Params q = quant(r.bits(), r.groupSize());
        Path target = r.out() != null ? r.out().toAbsolutePath().normalize() : home.fusedModel();
        try (FusedModel m = FusedModel.open(src.baseDir(), src.adaptersDir())) {
            Dtype dtype = r.dtype() != null ? r.dtype() : m.config().weightDtype();
            ModelFuser.Options o = new ModelFuser.Options(dtype, q, ModelFuser.DEFAULT_SHARD_BYTES);
            boolean replace = r.out() == null && Files.exists(target);
            Path stageAt = replace ? target.resolveSibling("." + target.getFileName() + ".next") : target;
            if (replace) {
                StagedDirectory.deleteRecursively(stageAt);
            }
            ModelFuser.Written w;
            try (StagedDirectory staged = StagedDirectory.create(stageAt)) {
                w = ModelFuser.write(m, staged.dir(), o, progress);
                staged.commit();
            }
            if (replace) {
                swap(stageAt, target);
            }
            return new Result(src.label(), src.baseModel(), src.baseDir().toString(), src.adaptersDir().toString(),
                    target.toString(), dtype.torchName(), q == null ? null : w.config().quantization().label(),
                    m.fusedTensors(), w.shards(), w.copiedFiles(), w.tensors(), w.bytes());
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "cannot write the fused model to " + target + ": " + e.getMessage(),
                    "check free disk space and that " + target.getParent() + " is writable", e);
        }
    }

    /** Replaces SAM's previous fused copy: the old one is moved aside, the new one renamed in, the old deleted. */
    private static void swap(Path next, Path target) throws IOException {
        Path old = target.resolveSibling("." + target.getFileName() + ".old");
        StagedDirectory.deleteRecursively(old);
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(next, target, StandardCopyOption.ATOMIC_MOVE);
        StagedDirectory.deleteRecursively(old);
    }

    static AffineQuant.Params quant(Integer bits, int groupSize) {
        if (bits == null) {
            return null;
        }
        if (!Quantization.supportedBits(bits) || !Quantization.supportedGroupSize(groupSize)) {
            throw SamException.usage("cannot quantize with " + bits + " bits and group size " + groupSize,
                    "use --quantize 4 or 8 (MLX also has 2, 3, 5, 6) and --group-size 32, 64 or 128");
        }
        return AffineQuant.Params.mlx(bits, groupSize);
    }
}
