package dev.sam.train.model;

import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.tokenizer.BuiltinCorpus;
import dev.sam.train.tokenizer.ByteLevelBpeTrainer;
import dev.sam.train.tokenizer.SpecialTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The base-model operations behind {@code sam model ...} and {@code sam models}: create the tiny model,
 * write a random model at a real shape, quantize, register and list. Each returns a plain result record.
 *
 * <pre>ModelWriteResult r = new ModelService(home).initTiny(null, null, TinyModel.Options.defaults(), progress);</pre>
 */
public final class ModelService {
    /** The name {@code sam model init-tiny} registers when neither a directory nor a name is given. */
    public static final String TINY = "tiny";

    private final SamHome home;
    private final BaseModelRegistry registry;

    public ModelService(SamHome home) {
        this.home = home;
        this.registry = new BaseModelRegistry(home);
    }

    /**
     * Makes a just-registered model the one {@code sam train} uses when nothing else would work: config.yaml
     * names no {@code training.base_model} and the default profile's base is not registered (so the README
     * tour's {@code sam model add DIR} or {@code sam model init-tiny}, then {@code sam train}, trains on it).
     * {@code profile} (may be null) becomes {@code training.default_profile} unless the file sets one.
     * Returns the keys written to config.yaml (empty when it was left alone).
     */
    public List<String> adoptAsDefault(dev.sam.core.config.SamConfig config, String name, String profile) {
        if (name == null || config.training().baseModel() != null
                || registry.locate(config.defaultBaseModel()).isPresent()) {
            return List.of();
        }
        java.util.Map<String, String> keys = new java.util.LinkedHashMap<>();
        keys.put("base_model", name);
        if (profile != null) {
            keys.put("default_profile", profile);
        }
        return dev.sam.core.config.ConfigEditor.addTrainingKeys(home.configFile(), keys);
    }

    /**
     * Writes the tiny model to {@code dir}, or to models/base/{@code name} (default "tiny") when dir is
     * null; with both, {@code name} is registered as a link to {@code dir}.
     */
    public ModelWriteResult initTiny(Path dir, String name, TinyModel.Options o, ProgressListener p) {
        Target t = target(dir, dir == null && name == null ? TINY : name);
        return io(() -> {
            TinyModel.Written w = TinyModel.write(t.path, o, p);
            String registered = t.register(w.dir());
            return result(w.dir(), registered, w.config(), w.weightBytes(), w.tokenizerVocab(), w.merges(), null,
                    null, null);
        });
    }

    /** Writes a random model of a named shape (streamed), optionally quantized as it is written. */
    public ModelWriteResult random(Path dir, String shape, Dtype dtype, Integer bits, int groupSize, long seed,
                                   String name, ProgressListener p) {
        ModelConfig c = ModelShapes.get(shape);
        AffineQuant.Params q = bits == null ? null : quantParams(bits, groupSize);
        Target t = target(dir, name);
        return io(() -> {
            var bpe = new ByteLevelBpeTrainer(512).train(BuiltinCorpus.texts());
            ModelFactory.Written w = ModelFactory.write(c, t.path, new ModelFactory.Options(seed, dtype, q), bpe, p);
            String registered = t.register(w.dir());
            return result(w.dir(), registered, w.config(), w.weightBytes(), bpe.size() + SpecialTokens.WRITTEN.size(), null, null, null, null);
        });
    }

    /** Quantizes the model {@code src} (a registered name or a directory) into {@code dst}. */
    public ModelWriteResult quantize(String src, Path dst, MlxQuantizer.Options o, String name, ProgressListener p) {
        Path from = registry.resolve(src);
        Target t = target(dst, name);
        return io(() -> {
            MlxQuantizer.Result r = MlxQuantizer.quantize(from, t.path, o, p);
            String registered = t.register(r.dir());
            return result(r.dir(), registered, r.config(), r.bytes(), null, null, r.quantizedModules(),
                    r.copiedFiles(), r.droppedTensors());
        });
    }

    /** Validates {@code dir} (config, tokenizer, weights) and registers it as {@code name}. */
    public AddResult add(Path dir, String name, boolean copy) {
        String n = BaseModelRegistry.checkName(name != null ? name : dir.toAbsolutePath().normalize()
                .getFileName().toString());
        registry.requireFree(n);
        ModelCheck check = ModelDirectory.validate(dir);
        Path at = io(() -> registry.register(dir, n, copy));
        return new AddResult(n, at.toString(), dir.toAbsolutePath().normalize().toString(), copy ? "copy" : "symlink",
                check);
    }

    /** What {@code sam model add} did. */
    public record AddResult(String name, String path, String source, String mode, ModelCheck check) {
    }

    /** The registered base models (the report of {@code sam models}). */
    public ModelsReport report() {
        return new ModelsReport(home.baseModelsDir().toString(), registry.list(), List.of());
    }

    /** The registered base models and the trained runs recorded in {@code db}. */
    public ModelsReport report(dev.sam.core.store.Database db) {
        return new ModelsReport(home.baseModelsDir().toString(), registry.list(),
                new dev.sam.train.runs.RunCatalog(home, db).list());
    }

    private static AffineQuant.Params quantParams(int bits, int groupSize) {
        if (!Quantization.supportedBits(bits) || !Quantization.supportedGroupSize(groupSize)) {
            throw SamException.usage("cannot quantize with " + bits + " bits and group size " + groupSize,
                    "bits must be 2, 3, 4, 5, 6 or 8 and the group size 32, 64 or 128");
        }
        return new AffineQuant.Params(bits, groupSize, Dtype.F16, AffineQuant.Rounding.MLX);
    }

    private ModelWriteResult result(Path dir, String registered, ModelConfig c, long weightBytes, Integer vocab,
                                    Integer merges, Integer quantized, List<String> copied, List<String> dropped) {
        return new ModelWriteResult(dir.toString(), registered, ModelShapes.describe(c), c.weightDtype().torchName(),
                c.quantization() == null ? null : c.quantization().label(), c.numParams(), weightBytes,
                ModelDirectory.sizeOnDisk(dir), vocab, merges, quantized, copied, dropped);
    }

    /** Where to write: {@code dir}, or models/base/{@code name} when dir is null; registers on request. */
    private Target target(Path dir, String name) {
        if (name != null) {
            registry.requireFree(name);
        }
        if (dir == null && name == null) {
            throw SamException.usage("no destination given", "give a directory, or --name NAME to write it under "
                    + home.baseModelsDir());
        }
        return new Target(dir != null ? dir : home.baseModel(name), dir != null ? name : null, name);
    }

    /** The write location; {@code linkAs} is a name to register afterwards (symlink), {@code name} the final name. */
    private final class Target {
        final Path path;
        final String linkAs;
        final String name;

        Target(Path path, String linkAs, String name) {
            this.path = path;
            this.linkAs = linkAs;
            this.name = name;
        }

        String register(Path written) throws IOException {
            if (linkAs != null) {
                registry.register(written, linkAs, false);
            }
            return name;
        }
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private static <T> T io(IoCall<T> c) {
        try {
            return c.call();
        } catch (IOException e) {
            throw new SamException(dev.sam.core.ExitCode.FAILURE, "I/O error: " + e.getMessage(),
                    "check free disk space and permissions", e);
        } catch (UncheckedIOException e) {
            throw new SamException(dev.sam.core.ExitCode.FAILURE, "I/O error: " + e.getCause().getMessage(),
                    "check free disk space and permissions", e);
        }
    }
}
