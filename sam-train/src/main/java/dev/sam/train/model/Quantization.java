package dev.sam.train.model;

import java.util.Map;
import java.util.Optional;

/**
 * MLX affine quantization parameters as mlx-lm writes them under {@code "quantization"} in config.json:
 * {@code {"group_size": 64, "bits": 4}} (newer files add {@code "mode": "affine"}), optionally with
 * per-module overrides keyed by module path ({@code "model.layers.0.mlp.down_proj": {...}} or
 * {@code false} for a module left unquantized).
 */
public record Quantization(int groupSize, int bits, String mode, Map<String, Quantization> perModule) {

    public static final String AFFINE = "affine";

    public Quantization {
        mode = mode == null ? AFFINE : mode;
        perModule = perModule == null ? Map.of() : Map.copyOf(perModule);
    }

    public static Quantization affine(int groupSize, int bits) {
        return new Quantization(groupSize, bits, AFFINE, Map.of());
    }

    /** The marker of a per-module {@code false}: the module is not quantized. */
    static Quantization none() {
        return new Quantization(0, 0, AFFINE, Map.of());
    }

    /** The parameters for the module at {@code path} (e.g. "model.embed_tokens"), empty if excluded. */
    public Optional<Quantization> forModule(String path) {
        Quantization q = perModule.getOrDefault(path, this);
        return q.bits == 0 ? Optional.empty() : Optional.of(q);
    }

    /** Bits and group sizes MLX supports (mlx/ops.cpp affine_quantize). */
    public static boolean supportedBits(int bits) {
        return bits >= 2 && bits <= 8 && bits != 7;
    }

    public static boolean supportedGroupSize(int g) {
        return g == 32 || g == 64 || g == 128;
    }

    /** "4-bit g64". */
    public String label() {
        return bits + "-bit g" + groupSize;
    }
}
