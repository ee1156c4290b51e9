package dev.sam.train.nativelib;

import com.sun.jna.Pointer;

/**
 * The compute kernels of libsamtrain on the selected backend, for benchmarks and diagnostics: the
 * backend's name and its row-major SGEMM (the one the model code calls).
 *
 * <pre>NativeKernels.sgemm(false, true, 512, 1536, 1536, 1f, x, 1536, w, 1536, 0f, y, 1536);</pre>
 */
public final class NativeKernels {
    private NativeKernels() {
    }

    /** Description of the backend in use, e.g. "builtin (avx512) 2 threads". */
    public static String backend() {
        return Natives.backend();
    }

    /** Instruction set of the built-in kernels on this CPU: "avx512", "avx2" or "generic". */
    public static String builtinIsa() {
        return Natives.lib().sam_builtin_isa();
    }

    /**
     * Whether SAM_PRECISION=bf16 would work here: built-in kernels selected and a CPU with AVX512-BF16.
     * Probes by switching the precision and back (call it before any computation starts).
     */
    public static synchronized boolean bf16Supported() {
        SamTrainLibrary l = Natives.lib();
        if (l.sam_backend_set_precision(1) != SamTrainLibrary.SAM_OK) {
            return false;
        }
        if (!Natives.backend().contains("bf16")) {
            Natives.check(l, l.sam_backend_set_precision(0), "restore the fp32 precision");
        }
        return true;
    }

    /** True on macOS, where the library links Apple's Accelerate ({@code SAM_BLAS_LIB=accelerate}). */
    public static boolean accelerateAvailable() {
        return NativePlatform.current().os() == NativePlatform.Os.MAC;
    }

    /** Path of the OpenBLAS bundled with SAM (org.bytedeco:openblas, extracted to the user cache), or null. */
    public static String bundledOpenBlas() {
        return BlasLocator.bundled(NativePlatform.current());
    }

    /**
     * C (m, n) = alpha op(A) (m, k) op(B) (k, n) + beta C on native memory (e.g. {@link com.sun.jna.Memory}),
     * op(X) = X^T when transX.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Pointer a, int lda,
                             Pointer b, int ldb, float beta, Pointer c, int ldc) {
        Natives.check(Natives.lib().sam_sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c,
                ldc), "run a GEMM");
    }
}
