package dev.sam.train.nativelib;

import dev.sam.core.SamException;
import dev.sam.core.config.SamEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Chooses the compute backend of the native trainer: the CBLAS library it should dlopen, "accelerate", or
 * null for its built-in kernels. Order: {@code $SAM_BLAS_LIB} (a path, "accelerate" on macOS, or "builtin");
 * on macOS Apple's Accelerate (cblas_sgemm on the AMX units; always present); the built-in kernels when
 * they run AVX-512 or AVX2 on this CPU; else the OpenBLAS that Maven delivered on the classpath for this
 * platform (org.bytedeco:openblas, Linux x86-64 or arm64), extracted once into a per-user cache next to
 * its libgfortran; else the built-in kernels (NEON on arm64).
 * Why: measured with bench/train.sh (docs/performance.md), the built-in path — weights dequantized
 * straight into the GEMM's packed panels, activations packed once — trains the 8gb profile faster than
 * OpenBLAS on an AVX-512 CPU (its own AVX-512 kernels or the tests' pinned Haswell ones) and, since its
 * AVX2 packers, on an AVX2-only CPU too (AMD Zen 3: 17.1 vs 19.9 s per step, interleaved runs). On arm64
 * Linux the NEON path was only run under qemu, never timed against OpenBLAS: OpenBLAS stays the default.
 * The native side never links BLAS, so a missing library is never a crash.
 */
final class BlasLocator {
    static final String ENV = SamEnvironment.BLAS_LIB.name();
    static final String ACCELERATE = "accelerate";
    private static final String LIB = "libopenblas.so.0";

    private BlasLocator() {
    }

    /**
     * Path to pass to sam_backend_init, or null for the built-in kernels; {@code builtinIsa} is what
     * sam_builtin_isa reports ("avx512", "avx2", "generic").
     */
    static String locate(Map<String, String> env, String builtinIsa) {
        return locate(env, builtinIsa, NativePlatform.current());
    }

    static String locate(Map<String, String> env, String builtinIsa, NativePlatform platform) {
        String explicit = env.get(ENV);
        if (explicit != null && !explicit.isBlank()) {
            if (explicit.equals("builtin")) {
                return null;
            }
            if (explicit.equals(ACCELERATE)) {
                if (platform.os() != NativePlatform.Os.MAC) {
                    throw SamException.usage(ENV + "=accelerate needs macOS (Apple's Accelerate framework), this is "
                            + platform, "unset it, or set it to 'builtin' or a libopenblas.so path");
                }
                return ACCELERATE;
            }
            if (!Files.isRegularFile(Path.of(explicit))) {
                throw SamException.failure(ENV + " points to " + explicit + ", which does not exist",
                        "unset it to use the bundled OpenBLAS, or set it to a libopenblas.so path or 'builtin'");
            }
            return explicit;
        }
        if (platform.defaultBackend() != null) {
            return platform.defaultBackend();
        }
        if ("avx512".equals(builtinIsa) || "avx2".equals(builtinIsa)) {
            return null;
        }
        return bundled(platform);
    }

    /** The OpenBLAS delivered by Maven on the classpath for this platform, extracted; null where there is none. */
    static String bundled(NativePlatform platform) {
        String dir = platform.openblasResourceDir();
        if (dir == null) {
            return null;
        }
        URL url = BlasLocator.class.getClassLoader().getResource(dir + LIB);
        if (url == null) {
            return null;
        }
        try {
            return extract(url, dir).toString();
        } catch (IOException e) {
            throw SamException.failure("cannot extract the bundled OpenBLAS: " + e.getMessage(),
                    "make ~/.cache writable (or set XDG_CACHE_HOME), or set " + ENV + "=builtin");
        }
    }

    private static Path extract(URL libUrl, String resourceDir) throws IOException {
        if (libUrl.getProtocol().equals("file")) {
            return Path.of(java.net.URI.create(libUrl.toString()));
        }
        JarURLConnection conn = (JarURLConnection) libUrl.openConnection();
        conn.setUseCaches(false);
        Path jarPath = Path.of(conn.getJarFileURL().getPath());
        String stamp = jarPath.getFileName() + "-" + Files.size(jarPath);
        Path dir = cacheRoot().resolve("openblas").resolve(stamp);
        Path lib = dir.resolve(LIB);
        if (Files.isRegularFile(lib)) {
            return lib;
        }
        Files.createDirectories(dir.getParent());
        Path tmp = Files.createTempDirectory(dir.getParent(), ".extract-");
        List<String> names = new ArrayList<>();
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                String n = e.getName();
                // libopenblas and the runtime it needs ($ORIGIN RUNPATH); the JNI glue is not needed.
                if (n.startsWith(resourceDir) && n.indexOf('/', resourceDir.length()) < 0 && n.contains(".so")
                        && !n.contains("libjni")) {
                    try (InputStream in = jar.getInputStream(e)) {
                        Files.copy(in, tmp.resolve(n.substring(resourceDir.length())),
                                StandardCopyOption.REPLACE_EXISTING);
                    }
                    names.add(n);
                }
            }
        }
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            // Another process extracted it first: use theirs.
            deleteTree(tmp);
        }
        return lib;
    }

    static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sam");
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
