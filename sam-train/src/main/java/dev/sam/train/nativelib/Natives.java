package dev.sam.train.nativelib;

import com.sun.jna.Native;
import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.config.SamEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads libsamtrain once per JVM and selects its compute backend ({@link BlasLocator}: Accelerate on
 * macOS, built-in kernels on AVX-512 CPUs, else the bundled OpenBLAS; {@code $SAM_BLAS_LIB} overrides) and
 * its precision ({@code $SAM_PRECISION}=bf16 opts into bf16 products on AVX512-BF16 CPUs). The library
 * comes from {@code $SAM_NATIVE_LIB} when set, else from the classpath ({@link NativePlatform}: e.g.
 * linux-x86-64/libsamtrain.so, linux-aarch64/libsamtrain.so, darwin-aarch64/libsamtrain.dylib, built by
 * Maven from native/). Threads: {@code $SAM_THREADS}, else all available cores (macOS: the library
 * takes the performance cores).
 */
public final class Natives {
    private static final Logger LOG = LoggerFactory.getLogger(Natives.class);
    static final int ABI_VERSION = 1;
    private static volatile SamTrainLibrary lib;
    private static volatile String backend;

    private Natives() {
    }

    static SamTrainLibrary lib() {
        SamTrainLibrary l = lib;
        if (l == null) {
            synchronized (Natives.class) {
                if (lib == null) {
                    lib = load(System.getenv());
                }
                l = lib;
            }
        }
        return l;
    }

    /** Description of the compute backend in use, e.g. "openblas 0.3.31 (Haswell) 2 threads". */
    public static String backend() {
        lib();
        return backend;
    }

    /** The C library's setenv, to configure libgomp before it initializes. */
    interface CLib extends com.sun.jna.Library {
        int setenv(String name, String value, int overwrite);
    }

    /**
     * libgomp spin-waits between parallel regions for a long time (300,000 spins) unless told otherwise; on
     * a laptop or a shared machine whose cores are busy (the JVM, the IDE, a build) spinning threads make
     * every step many times slower (measured: 4.5 ms vs 300 ms per tiny step on 2 loaded cores). Fully
     * passive waiting is no better for generation: a decoded token runs about 200 short parallel loops,
     * and waking sleeping threads for each cost a fifth of the decode speed (16 against 20 tokens/s on
     * the 1.5B shape, docs/performance.md). So SAM asks for a short spin (GOMP_SPINCOUNT=10000, tens of
     * microseconds: back-to-back loops find their threads awake, idle threads soon sleep) unless the user
     * chose a policy. It must be in the C environment before libgomp is loaded (native/README.md, "Threads").
     */
    private static void preferShortSpin(Map<String, String> env) {
        if (env.containsKey("OMP_WAIT_POLICY") || env.containsKey("GOMP_SPINCOUNT")) {
            return;
        }
        try {
            Native.load("c", CLib.class).setenv("GOMP_SPINCOUNT", "10000", 0);
        } catch (UnsatisfiedLinkError e) {
            LOG.debug("cannot set GOMP_SPINCOUNT: {}", e.getMessage());
        }
    }

    private static SamTrainLibrary load(Map<String, String> env) {
        NativePlatform platform = NativePlatform.current();
        preferShortSpin(env);
        SamTrainLibrary l;
        String override = env.get(SamEnvironment.NATIVE_LIB.name());
        try {
            if (override != null && !override.isBlank()) {
                if (!Files.isRegularFile(Path.of(override))) {
                    throw SamException.failure("SAM_NATIVE_LIB points to " + override + ", which does not exist",
                            "unset it to use the library bundled with SAM");
                }
                l = Native.load(override, SamTrainLibrary.class);
            } else {
                platform.requireSupported();
                l = Native.load("samtrain", SamTrainLibrary.class);
            }
        } catch (UnsatisfiedLinkError e) {
            throw new SamException(ExitCode.FAILURE, "cannot load the native trainer libsamtrain for " + platform
                    + " (" + platform.jnaPrefix() + "/" + platform.libraryFile() + " on the classpath): " + e.getMessage(),
                    "rebuild SAM on this machine with `mvn -q -B package -DskipTests` (needs a C compiler and cmake), "
                            + "or set SAM_NATIVE_LIB", e);
        }
        int abi = l.sam_abi_version();
        if (abi != ABI_VERSION) {
            throw SamException.failure("libsamtrain has ABI version " + abi + " but this SAM expects " + ABI_VERSION,
                    "rebuild SAM so that the Java and native parts match");
        }
        String blas = BlasLocator.locate(env, l.sam_builtin_isa());
        int threads = threads(env, platform);
        int rc = l.sam_backend_init(blas, threads);
        if (rc != SamTrainLibrary.SAM_OK) {
            LOG.warn("BLAS backend {} failed ({}); using the built-in kernels", blas, l.sam_last_error());
            check(l, l.sam_backend_init(null, threads), "select the built-in kernels");
        }
        precision(l, env);
        decodePrecision(l, env);
        backend = l.sam_backend_name();
        LOG.info("native trainer loaded: backend {}", backend);
        return l;
    }

    /** {@code $SAM_PRECISION}: fp32 (default) or bf16 (built-in kernels on AVX512-BF16 CPUs, docs/performance.md). */
    private static void precision(SamTrainLibrary l, Map<String, String> env) {
        String p = env.getOrDefault(SamEnvironment.PRECISION.name(), "fp32").trim().toLowerCase(java.util.Locale.ROOT);
        switch (p) {
            case "", "fp32" -> {
            }
            case "bf16" -> {
                int rc = l.sam_backend_set_precision(1);
                if (rc != SamTrainLibrary.SAM_OK) {
                    throw SamException.failure("SAM_PRECISION=bf16 cannot be used: " + l.sam_last_error(),
                            "unset SAM_PRECISION to train in fp32");
                }
            }
            default -> throw SamException.usage("SAM_PRECISION must be fp32 or bf16, got '" + p + "'",
                    "unset it (fp32) or set SAM_PRECISION=bf16");
        }
    }

    /**
     * {@code $SAM_DECODE_PRECISION}: the activations of the decode products with 4-bit weights. q22 (default):
     * three int8 planes per block of 32, kept to max|x| * 2^-22 — fp32-grade answers at close to int8 speed
     * (x86-64 with AVX2; elsewhere, and for shapes the kernel does not take, fp32); fp32: exact fp32
     * activations; q8: int8 activations as llama.cpp's (x86-64 with AVX2, arm64 NEON). Error bounds and the
     * parity study in docs/performance.md.
     */
    private static void decodePrecision(SamTrainLibrary l, Map<String, String> env) {
        loadedDecodePrecision = env.getOrDefault(SamEnvironment.DECODE_PRECISION.name(), DEFAULT_DECODE_PRECISION);
        decodePrecision(l, loadedDecodePrecision);
    }

    /** What generation's decode uses when {@code SAM_DECODE_PRECISION} is unset. */
    public static final String DEFAULT_DECODE_PRECISION = "q22";

    /** The decode precision the library was loaded with (SAM_DECODE_PRECISION, else the default). */
    private static volatile String loadedDecodePrecision = DEFAULT_DECODE_PRECISION;

    /** Back to the decode precision this process was started with, after {@link #decodePrecision(String)}. */
    public static void restoreDecodePrecision() {
        SamTrainLibrary l = lib();
        decodePrecision(l, loadedDecodePrecision);
    }

    /**
     * Sets generation's decode precision for this process, as {@code SAM_DECODE_PRECISION} does at load:
     * "q22", "fp32" or "q8". Not while a generation runs (the native threading rule of sam_backend_init);
     * for parity studies that compare them in one process.
     */
    public static void decodePrecision(String precision) {
        decodePrecision(lib(), precision);
    }

    private static void decodePrecision(SamTrainLibrary l, String precision) {
        String p = precision.trim().toLowerCase(java.util.Locale.ROOT);
        switch (p) {
            case "" -> decodePrecision(l, DEFAULT_DECODE_PRECISION);
            case "fp32" -> check(l, l.sam_backend_set_decode_precision(0), "decode with fp32 activations");
            case "q22" -> check(l, l.sam_backend_set_decode_precision(2), "decode with q22 activations");
            case "q8" -> {
                if (l.sam_backend_set_decode_precision(1) != SamTrainLibrary.SAM_OK) {
                    throw SamException.failure("SAM_DECODE_PRECISION=q8 cannot be used: " + l.sam_last_error(),
                            "unset SAM_DECODE_PRECISION to decode with the default (q22, fp32-grade)");
                }
            }
            default -> throw SamException.usage("SAM_DECODE_PRECISION must be q22, fp32 or q8, got '" + p + "'",
                    "unset it (q22, the default) or set SAM_DECODE_PRECISION to fp32 (exact) or q8 (int8)");
        }
    }

    private static int threads(Map<String, String> env, NativePlatform platform) {
        String t = env.get(SamEnvironment.THREADS.name());
        if (t != null) {
            try {
                return Integer.parseInt(t.trim());
            } catch (NumberFormatException e) {
                throw SamException.usage("SAM_THREADS must be a number, got '" + t + "'", "unset it or set e.g. 2");
            }
        }
        return platform.defaultThreads(Runtime.getRuntime().availableProcessors());
    }

    /** Throws the library's message as a SamException when rc is not SAM_OK. */
    static void check(SamTrainLibrary l, int rc, String doing) {
        if (rc == SamTrainLibrary.SAM_OK) {
            return;
        }
        throw NativeError.of(rc, l.sam_last_error(), doing);
    }

    static void check(int rc, String doing) {
        check(lib(), rc, doing);
    }
}
