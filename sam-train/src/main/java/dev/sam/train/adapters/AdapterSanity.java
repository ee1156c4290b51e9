package dev.sam.train.adapters;

import dev.sam.core.Bytes;
import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import dev.sam.train.safetensors.SafetensorsFile;
import dev.sam.train.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sanity part of the validation gate (original spec, "Pre-deployment Validation" 1; docs/formats.md "Validation gate"):
 * adapter files exist, the format is .safetensors or .npz and its header parses, adapter_config.json
 * is a LoRA config, the size is within {@link SizeRule}, and every tensor fits the base model. All
 * checks run and report all their problems; nothing is written.
 *
 * <pre>AdapterSanity.Result r = new AdapterSanity(home).check(path, new AdapterSanity.BaseChoice(null, null, null), false);</pre>
 */
public final class AdapterSanity {
    private final SamHome home;

    public AdapterSanity(SamHome home) {
        this.home = home;
    }

    /** Base model names by precedence: --base, then adapter_config.json "model", the run's, the config's. */
    public record BaseChoice(String flag, String fromRun, String fromConfig) {
    }

    /** What was found, and the checks in order. Any field but {@code checks} may be null. */
    public record Result(AdapterFiles files, AdapterConfig config, BaseModel base, Map<String, TensorInfo> tensors,
                         List<Check> checks, List<String> notes) {
    }

    public Result check(Path input, BaseChoice choice, boolean force) {
        List<Check> checks = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        AdapterFiles files = AdapterFiles.locate(input);
        if (!files.problems().isEmpty()) {
            checks.add(Check.failed("files", "adapter files missing", files.problems()));
            for (String n : List.of("config", "format", "base model", "size", "shapes")) {
                checks.add(Check.notRun(n, "adapter files missing"));
            }
            return new Result(files, null, null, null, checks, notes);
        }
        long size = sizeOf(files.weights());
        checks.add(Check.passed("files", files.weights().getFileName() + " (" + Bytes.human(size) + ") + "
                + AdapterFiles.CONFIG + (files.ignored().isEmpty() ? "" : "; not copied: "
                + String.join(", ", files.ignored()))));

        List<String> problems = new ArrayList<>();
        AdapterConfig config = AdapterConfig.read(files.config(), problems, notes);
        checks.add(config == null ? Check.failed("config", AdapterFiles.CONFIG + " is not a usable LoRA config",
                problems) : Check.passed("config", describe(config)));

        Map<String, TensorInfo> tensors = null;
        try {
            tensors = tensors(files);
            checks.add(files.format().equals("npz") ? npzRefused(tensors.size())
                    : Check.passed("format", files.format() + ", " + tensors.size() + " tensors"));
        } catch (IOException e) {
            checks.add(Check.failed("format", files.weights().getFileName() + " cannot be read",
                    List.of(files.weights().getFileName() + " " + e.getMessage())));
        } catch (SamException e) {
            checks.add(Check.failed("format", files.weights().getFileName() + " cannot be read",
                    List.of(e.getMessage())));
        } catch (RuntimeException e) {
            checks.add(Check.failed("format", files.weights().getFileName() + " cannot be read",
                    List.of(files.weights().getFileName() + " is malformed: " + e.getMessage())));
        }
        if (config != null && config.keys() == null && tensors != null) {
            config = config.withKeys(LoraShapes.keysOf(tensors));
        }

        BaseModel base = null;
        List<String> tried = new ArrayList<>();
        for (String name : candidates(choice, config)) {
            try {
                base = BaseModel.find(home, name);
                break;
            } catch (SamException e) {
                tried.add(e.getMessage().replace(":\n  - ", ": ").replace("\n  - ", "; "));
            }
        }
        if (base != null) {
            checks.add(Check.passed("base model", base.name() + " at " + base.dir()));
        } else {
            Check c = Check.failed("base model", tried.isEmpty() ? "unknown: adapter_config.json names no model"
                    : "not found", tried.isEmpty() ? List.of("pass --base NAME (a directory under "
                    + home.baseModelsDir() + "), or set training.base_model in config.yaml") : tried);
            checks.add(force ? c.waived("--force: deployed without checking shapes against a base model") : c);
        }

        SizeRule.Bounds b = SizeRule.bounds(config, base == null ? null : base.config());
        if (b.contains(size)) {
            checks.add(Check.passed("size", Bytes.human(size) + " within " + Bytes.human(b.min()) + " – "
                    + Bytes.human(b.max()) + " (" + b.why() + ")"));
        } else {
            String what = size < b.min() ? "too small" : "too large";
            checks.add(Check.failed("size", what, List.of(files.weights().getFileName() + " is " + what + ": "
                    + size + " bytes, allowed " + b.min() + " – " + b.max() + " (" + b.why() + ")")));
        }

        if (config == null || tensors == null || base == null) {
            checks.add(Check.notRun("shapes", "needs a usable adapter_config.json, a readable header and the base model"));
        } else {
            List<String> mismatches = LoraShapes.mismatches(config, base, tensors);
            checks.add(mismatches.isEmpty()
                    ? Check.passed("shapes", LoraShapes.expected(config, base.config()).size() + " tensors match base "
                    + base.name())
                    : Check.failed("shapes", mismatches.size() + " mismatch" + (mismatches.size() == 1 ? "" : "es")
                    + " with base " + base.name(), mismatches));
        }
        return new Result(files, config, base, tensors == null ? null : new LinkedHashMap<>(tensors), checks, notes);
    }

    /**
     * An .npz (older mlx-lm) is read for inspection only: the native trainer and server load
     * adapters.safetensors, so a deployed .npz could never be served. Refused here, with the conversion.
     */
    private static Check npzRefused(int tensors) {
        return Check.failed("format", "npz adapters cannot be loaded", List.of(AdapterFiles.NPZ + " (" + tensors
                + " tensors) is readable but SAM loads only " + AdapterFiles.SAFETENSORS + " (newer mlx-lm writes it);"
                + " convert it next to the file with: python -c \"import numpy as np; from safetensors.numpy import"
                + " save_file; save_file(dict(np.load('adapters.npz')), 'adapters.safetensors')\" and remove the .npz"));
    }

    /** The tensors a weights file declares (headers only; the safetensors rules of SafetensorsHeader). */
    public static Map<String, TensorInfo> tensors(AdapterFiles files) throws IOException {
        if (files.format().equals("npz")) {
            return NpzHeader.read(files.weights());
        }
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        SafetensorsFile.readHeader(files.weights()).tensors().forEach(t -> out.put(t.name(), t));
        return out;
    }

    private static List<String> candidates(BaseChoice c, AdapterConfig config) {
        List<String> out = new ArrayList<>();
        if (c.flag() != null) {
            return List.of(c.flag());
        }
        if (config != null && config.model() != null) {
            out.add(config.model());
        }
        if (c.fromRun() != null && !out.contains(c.fromRun())) {
            out.add(c.fromRun());
        }
        if (c.fromConfig() != null && !out.contains(c.fromConfig())) {
            out.add(c.fromConfig());
        }
        return out;
    }

    private static String describe(AdapterConfig c) {
        return c.fineTuneType() + ", rank " + c.rank() + ", scale " + c.scale() + ", dropout " + c.dropout() + ", "
                + (c.numLayers() == -1 ? "all layers" : "last " + c.numLayers() + " layers")
                + (c.keys() == null ? "" : ", keys " + String.join(", ", c.keys()));
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
