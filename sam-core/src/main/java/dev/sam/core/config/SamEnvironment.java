package dev.sam.core.config;

import java.util.List;

/**
 * Every {@code SAM_*} environment variable SAM reads, with what it overrides. The precedence is the same
 * everywhere: a command-line flag, then the environment, then {@code config.yaml}, then the default
 * ({@code SAM_HOME} against {@code --sam-home}; {@code SAM_MODELS_DIR} against {@code models.primary}).
 * Variables without a flag or key tune the native trainer for one machine. {@code sam --help} lists them
 * from here, so a new variable is documented by adding it.
 *
 * <pre>String threads = env.get(SamEnvironment.THREADS.name());</pre>
 */
public final class SamEnvironment {
    /** One variable: its name, how it ranks against a flag or config key (null: neither exists), what it does. */
    public record Variable(String name, String precedence, String meaning) {
    }

    public static final Variable HOME = new Variable("SAM_HOME", "--sam-home wins over it",
            "the data home (default ~/.sam)");
    public static final Variable MODELS_DIR = new Variable("SAM_MODELS_DIR", "wins over config models.primary",
            "deployed versions"); // short: the help line must fit 80 columns with the longest name
    public static final Variable THREADS = new Variable("SAM_THREADS", null,
            "threads of the native trainer (default: all cores; on Apple Silicon the performance cores)");
    public static final Variable PRECISION = new Variable("SAM_PRECISION", null,
            "fp32 (default) or bf16 products on AVX512-BF16 CPUs");
    public static final Variable DECODE_PRECISION = new Variable("SAM_DECODE_PRECISION", null,
            "4-bit decode activations: q22 (default, fp32-grade), fp32 (exact) or q8 (int8)");
    public static final Variable BLAS_LIB = new Variable("SAM_BLAS_LIB", null,
            "a CBLAS library to load, 'accelerate' (macOS, the default there), or 'builtin' for the built-in kernels");
    public static final Variable NATIVE_LIB = new Variable("SAM_NATIVE_LIB", null,
            "a libsamtrain build to load instead of the bundled one");
    public static final Variable ISA = new Variable("SAM_ISA", null,
            "cap the built-in kernels' instruction set: avx2 or generic (x86-64), generic (arm64: no NEON)");
    public static final Variable DEBUG = new Variable("SAM_DEBUG", null,
            "print stack traces of internal errors on stderr too");

    /** In the order {@code sam --help} lists them. */
    public static final List<Variable> ALL = List.of(HOME, MODELS_DIR, THREADS, PRECISION, DECODE_PRECISION, BLAS_LIB, NATIVE_LIB, ISA,
            DEBUG);

    private SamEnvironment() {
    }

    /** The help lines: "  SAM_MODELS_DIR        deployed versions (wins over config models.primary)". */
    public static List<String> helpLines() {
        int width = ALL.stream().mapToInt(v -> v.name().length()).max().orElse(0) + 2;
        return ALL.stream().map(v -> "  " + v.name() + " ".repeat(width - v.name().length()) + v.meaning()
                + (v.precedence() == null ? "" : " (" + v.precedence() + ")")).toList();
    }
}
