package dev.sam.train.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.SamException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * OS/arch selection with injected os.name/os.arch values (as Java reports them on each platform): where
 * JNA finds libsamtrain, which OpenBLAS jar directory fits, which backend is the default, and the error
 * that names an unsupported platform. Runs on Linux; nothing here loads a library.
 */
class NativePlatformTest {
    private static final NativePlatform LINUX_X86 = NativePlatform.of("Linux", "amd64");
    private static final NativePlatform LINUX_ARM = NativePlatform.of("Linux", "aarch64");
    private static final NativePlatform MAC_ARM = NativePlatform.of("Mac OS X", "aarch64");

    @Test
    void libraryResourceNamesFollowJnasPrefixes() {
        // com.sun.jna.Platform.RESOURCE_PREFIX on the three platforms, and the file CMake builds there
        assertEquals("linux-x86-64/libsamtrain.so", LINUX_X86.jnaPrefix() + "/" + LINUX_X86.libraryFile());
        assertEquals("linux-aarch64/libsamtrain.so", LINUX_ARM.jnaPrefix() + "/" + LINUX_ARM.libraryFile());
        assertEquals("darwin-aarch64/libsamtrain.dylib", MAC_ARM.jnaPrefix() + "/" + MAC_ARM.libraryFile());
        assertEquals("linux-x86-64", NativePlatform.of("Linux", "x86_64").jnaPrefix());
        assertEquals("darwin-aarch64", NativePlatform.of("Mac OS X", "arm64").jnaPrefix());
    }

    @Test
    void theHostIsOneOfThem() {
        assertEquals(com.sun.jna.Platform.RESOURCE_PREFIX, NativePlatform.current().jnaPrefix());
    }

    @Test
    void openBlasDirectoriesMatchTheBytedecoClassifiers() {
        assertEquals("org/bytedeco/openblas/linux-x86_64/", LINUX_X86.openblasResourceDir());
        assertEquals("org/bytedeco/openblas/linux-arm64/", LINUX_ARM.openblasResourceDir());
        assertNull(MAC_ARM.openblasResourceDir(), "macOS uses Accelerate, no OpenBLAS is bundled there");
    }

    @Test
    void backendChoicePerPlatform() {
        assertEquals("accelerate", BlasLocator.locate(Map.of(), "neon", MAC_ARM));
        assertNull(BlasLocator.locate(Map.of(BlasLocator.ENV, "builtin"), "neon", MAC_ARM));
        assertEquals("accelerate", BlasLocator.locate(Map.of(BlasLocator.ENV, "accelerate"), "neon", MAC_ARM));
        assertNull(BlasLocator.locate(Map.of(), "avx512", LINUX_X86), "built-in kernels on AVX-512");
        // no OpenBLAS for linux-arm64 on this (x86-64) test classpath: the built-in NEON kernels
        assertNull(BlasLocator.locate(Map.of(), "neon", LINUX_ARM));
        SamException e = assertThrows(SamException.class,
                () -> BlasLocator.locate(Map.of(BlasLocator.ENV, "accelerate"), "avx2", LINUX_X86));
        assertTrue(e.getMessage().contains("macOS") && e.getMessage().contains("Linux x86-64"), e.getMessage());
    }

    @Test
    void threadsDefaultToThePerformanceCoresOnMac() {
        assertEquals(0, MAC_ARM.defaultThreads(10), "0: libsamtrain counts hw.perflevel0 cores itself");
        assertEquals(8, LINUX_ARM.defaultThreads(8));
    }

    @Test
    void unsupportedPlatformsAreNamed() {
        assertTrue(LINUX_X86.supported() && LINUX_ARM.supported() && MAC_ARM.supported());
        for (NativePlatform p : new NativePlatform[] {NativePlatform.of("Windows 11", "amd64"),
                NativePlatform.of("Mac OS X", "x86_64"), NativePlatform.of("Linux", "riscv64")}) {
            assertFalse(p.supported(), p.toString());
            SamException e = assertThrows(SamException.class, p::requireSupported);
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
        assertEquals("macOS x86-64", NativePlatform.of("Mac OS X", "x86_64").toString());
        assertEquals("Linux riscv64", NativePlatform.of("Linux", "riscv64").toString());
    }
}
