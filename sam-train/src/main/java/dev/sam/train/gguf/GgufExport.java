package dev.sam.train.gguf;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.VersionCatalog;
import dev.sam.train.fuse.FusedModel;
import dev.sam.train.infer.EngineSource;
import dev.sam.train.model.BaseModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code sam export gguf}: a run's or a version's fused model, or a base model alone, as one GGUF v3
 * file for llama.cpp (and Ollama with {@code --ollama}): the {@link FusedModel}'s rows, named and typed
 * by {@link Qwen2Gguf}, with the tokenizer of {@link GgufTokenizer}. Every check on the destination runs
 * before anything is written; the file (and the Modelfile) appear whole or not at all.
 *
 * <pre>GgufExport.Result r = new GgufExport(home, config).export(new GgufExport.Request("v1.0.3", out, GgmlType.F16, true, false), progress);</pre>
 */
public final class GgufExport {
    public static final String MODELFILE = "Modelfile";

    private final SamHome home;
    private final SamConfig config;

    public GgufExport(SamHome home, SamConfig config) {
        this.home = home;
        this.config = config;
    }

    /** RUN|VERSION|"active"|base model name, the .gguf file, the matrix type, a Modelfile too, replace files. */
    public record Request(String source, Path out, GgmlType type, boolean ollama, boolean force) {
    }

    /** What was written. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Result(String source, String baseModel, String adaptersDir, String out, String type,
                         String preTokenizer, int tensors, int metadataKeys, int fusedWeights, long bytes,
                         String modelfile) {
    }

    public Result export(Request r, ProgressListener progress) {
        Path out = r.out().toAbsolutePath().normalize();
        Path modelfile = out.resolveSibling(MODELFILE);
        checkTarget(out, r.force(), "--out");
        if (r.ollama()) {
            checkTarget(modelfile, r.force(), "the Modelfile beside it");
        }
        EngineSource src = resolve(r.source());
        try (FusedModel m = FusedModel.open(src.baseDir(), src.adaptersDir())) {
            String name = src.adaptersDir() == null ? src.baseModel() : "sam " + r.source();
            GgufMetadata meta = Qwen2Gguf.metadata(m.config(), name, r.type());
            GgufTokenizer.addTo(meta, src.baseDir(), m.config().vocabSize());
            List<GgufTensor> tensors = Qwen2Gguf.tensors(m, r.type());
            Files.createDirectories(out.getParent());
            long bytes = GgufWriter.write(out, meta, tensors, progress);
            if (r.ollama()) {
                AtomicFiles.writeString(modelfile, OllamaModelfile.of(out, src.baseDir(),
                        m.config().maxPositionEmbeddings()));
            }
            return new Result(src.label(), src.baseModel(), src.adaptersDir() == null ? null
                    : src.adaptersDir().toString(), out.toString(), r.type().name().toLowerCase(Locale.ROOT),
                    (String) meta.entries().get("tokenizer.ggml.pre").value(), tensors.size(), meta.size(),
                    m.fusedTensors().size(), bytes, r.ollama() ? modelfile.toString() : null);
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "cannot write " + out + ": " + e.getMessage(),
                    "check free disk space and that " + out.getParent() + " is writable", e);
        }
    }

    /** A run id, a version (or "active"), else a registered base model (then no adapters). */
    private EngineSource resolve(String s) {
        if (s.equals(VersionCatalog.ACTIVE) || VersionCatalog.isVersion(s)) {
            return EngineSource.ofRunOrVersion(home, config, s);
        }
        if (s.matches("[0-9A-Za-z_-]{1,64}") && Files.isDirectory(home.runDir(s))) {
            return EngineSource.resolve(home, config, null, s, null, null);
        }
        if (new BaseModelRegistry(home).locate(s).isPresent()) {
            return EngineSource.resolve(home, config, null, null, null, s);
        }
        throw SamException.failure("'" + s + "' is neither a run, a version nor a base model",
                "give a run id or a version (see `sam models`, `sam list`) or a registered base model name");
    }

    /** The destination must be a file path whose parent is (or can be) a directory; an existing file needs --force. */
    static void checkTarget(Path p, boolean force, String what) {
        if (Files.isDirectory(p)) {
            throw SamException.usage(what + " " + p + " is a directory", "give the path of the .gguf file to create, "
                    + "e.g. " + p.resolve("model.gguf"));
        }
        for (Path a = p.getParent(); a != null; a = a.getParent()) {
            if (Files.exists(a, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(a)) {
                throw SamException.usage(what + " " + p + " cannot be created: " + a + " is a file, not a directory",
                        "choose a path in an existing directory");
            }
        }
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !force) {
            throw SamException.failure(p + " already exists", "choose another path, or pass --force to replace it");
        }
    }
}
