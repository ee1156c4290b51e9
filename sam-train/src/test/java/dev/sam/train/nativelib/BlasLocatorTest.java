package dev.sam.train.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.SamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default backend choice (docs/performance.md): built-in kernels on AVX-512 and AVX2, else the bundled
 * OpenBLAS.
 */
class BlasLocatorTest {
    @Test
    void builtinKernelsOnAvx512AndAvx2() {
        assertNull(BlasLocator.locate(Map.of(), "avx512"));
        assertNull(BlasLocator.locate(Map.of(), "avx2"));
    }

    @Test
    void bundledOpenBlasWithoutVectorKernels() {
        String lib = BlasLocator.locate(Map.of(), "generic");
        assertNotNull(lib, "the OpenBLAS jar is on the test classpath");
        assertTrue(lib.endsWith("libopenblas.so.0") && Files.isRegularFile(Path.of(lib)), lib);
    }

    @Test
    void environmentOverridesTheChoice(@TempDir Path tmp) throws Exception {
        assertNull(BlasLocator.locate(Map.of(BlasLocator.ENV, "builtin"), "avx2"));
        Path lib = Files.createFile(tmp.resolve("libcblas.so"));
        assertEquals(lib.toString(), BlasLocator.locate(Map.of(BlasLocator.ENV, lib.toString()), "avx512"));
        SamException e = assertThrows(SamException.class,
                () -> BlasLocator.locate(Map.of(BlasLocator.ENV, tmp.resolve("missing.so").toString()), "avx512"));
        assertTrue(e.getMessage().contains("missing.so"), e.getMessage());
    }
}
