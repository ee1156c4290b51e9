package dev.sam.train.nativelib;

import dev.sam.core.SamException;
import java.util.Locale;

/**
 * The platform of the native parts, from {@code os.name}/{@code os.arch} (given, so tests inject any OS):
 * where JNA finds libsamtrain on the classpath, which bundled OpenBLAS fits, and which GEMM backend is the
 * default. Supported: Linux x86-64, Linux arm64, macOS on Apple Silicon; the Maven profiles
 * {@code platform-*} in the root pom build the same three.
 */
record NativePlatform(Os os, String arch) {
    enum Os { LINUX, MAC, OTHER }

    static final String X86_64 = "x86-64";
    static final String AARCH64 = "aarch64";

    static NativePlatform current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /** Normalizes Java's names: "Linux"/"Mac OS X", "amd64"/"x86_64", "aarch64"/"arm64". */
    static NativePlatform of(String osName, String osArch) {
        String o = osName.toLowerCase(Locale.ROOT);
        Os os = o.startsWith("linux") ? Os.LINUX : o.startsWith("mac") || o.startsWith("darwin") ? Os.MAC : Os.OTHER;
        String a = osArch.toLowerCase(Locale.ROOT);
        String arch = a.matches("amd64|x86_64|x86-64") ? X86_64 : a.matches("aarch64|arm64") ? AARCH64 : a;
        return new NativePlatform(os, arch);
    }

    boolean supported() {
        return os == Os.LINUX && (arch.equals(X86_64) || arch.equals(AARCH64)) || os == Os.MAC && arch.equals(AARCH64);
    }

    /** JNA's classpath prefix (com.sun.jna.Platform.RESOURCE_PREFIX) under which the build puts the library. */
    String jnaPrefix() {
        return (os == Os.MAC ? "darwin-" : "linux-") + arch;
    }

    String libraryFile() {
        return os == Os.MAC ? "libsamtrain.dylib" : "libsamtrain.so";
    }

    /** Classpath directory of the org.bytedeco:openblas natives for this platform, or null (none bundled). */
    String openblasResourceDir() {
        if (os != Os.LINUX) {
            return null; // macOS: Accelerate is the default, OpenBLAS is not bundled there
        }
        return "org/bytedeco/openblas/" + (arch.equals(X86_64) ? "linux-x86_64" : "linux-arm64") + "/";
    }

    /** Backend the library should use when nothing is configured and no bundled BLAS is chosen. */
    String defaultBackend() {
        return os == Os.MAC ? "accelerate" : null;
    }

    /** Threads to ask for when SAM_THREADS is unset: on macOS 0 lets the library take the performance cores. */
    int defaultThreads(int availableProcessors) {
        return os == Os.MAC ? 0 : availableProcessors;
    }

    /** Fails with the platform's name when SAM has no native build for it. */
    void requireSupported() {
        if (!supported()) {
            throw SamException.failure("SAM's native trainer has no build for " + this,
                    "supported platforms are Linux x86-64, Linux arm64 and macOS on Apple Silicon (README.md, 'Mac')");
        }
    }

    @Override
    public String toString() {
        return (os == Os.MAC ? "macOS" : os == Os.LINUX ? "Linux" : "this OS") + " " + arch;
    }
}
