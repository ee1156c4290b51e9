package dev.sam.cli.train;

import dev.sam.core.Bytes;
import dev.sam.train.model.ModelWriteResult;
import java.io.PrintWriter;
import java.util.Locale;

/** Human output shared by the model commands. */
final class ModelPrint {
    private ModelPrint() {
    }

    static String bytes(long b) {
        return Bytes.human(b);
    }

    static String params(Long p) {
        if (p == null) {
            return "-";
        }
        if (p >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fB", p / 1e9);
        }
        if (p >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1fM", p / 1e6);
        }
        return String.format(Locale.ROOT, "%.1fK", p / 1e3);
    }

    /** What {@code ModelService.adoptAsDefault} wrote to config.yaml, if anything. */
    static void adopted(PrintWriter out, java.nio.file.Path config, java.util.List<String> keys) {
        if (!keys.isEmpty()) {
            out.println("Set " + String.join(" and ", keys) + " in " + config
                    + " (no base model was configured): `sam train` uses it.");
        }
    }

    static void written(PrintWriter out, String what, ModelWriteResult r) {
        out.println(what + " " + r.path() + (r.registeredAs() != null ? "  (registered as '" + r.registeredAs() + "')"
                : ""));
        out.println("  shape         " + r.shape());
        out.println("  dtype         " + r.dtype() + (r.quantization() != null ? ", MLX " + r.quantization() : ""));
        out.println("  parameters    " + params(r.params()) + " (" + String.format(Locale.ROOT, "%,d", r.params()) + ")");
        if (r.tokenizerVocab() != null) {
            out.println("  tokenizer     " + r.tokenizerVocab() + " tokens"
                    + (r.merges() != null ? " (256 bytes + " + r.merges() + " merges + 3 special)" : ""));
        }
        if (r.quantizedModules() != null) {
            out.println("  quantized     " + r.quantizedModules() + " modules (every linear and the embedding whose"
                    + " input size is a multiple of the group size)");
        }
        out.println("  weights       " + bytes(r.weightBytes()) + " model.safetensors; " + bytes(r.sizeBytes())
                + " on disk");
        if (r.droppedTensors() != null && !r.droppedTensors().isEmpty()) {
            out.println("  dropped       " + String.join(", ", r.droppedTensors()) + " (not part of a Qwen2 model)");
        }
    }
}
