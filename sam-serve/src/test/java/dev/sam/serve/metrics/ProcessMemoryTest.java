package dev.sam.serve.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
    @Test
    void parsesVmRss() {
        assertEquals(123456L * 1024, ProcessMemory.parse("Name:\tjava\nVmPeak:\t 999 kB\nVmRSS:\t  123456 kB\nVmData: 1 kB\n"));
        assertNull(ProcessMemory.parse("Name:\tjava\n"));
    }

    @Test
    void readsThisProcess() {
        Long rss = new ProcessMemory().rssBytes();
        if (java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/status"))) {
            assertTrue(rss != null && rss > 10_000_000 && rss < 64L << 30, "RSS " + rss);
        } else {
            assertNull(rss);
        }
    }

    /** The reader per OS, as Java names them: /proc on Linux, libproc on macOS, unknown elsewhere. */
    @Test
    void choosesTheReaderByOperatingSystem() {
        Long linux = ProcessMemory.readerFor("Linux").get();
        assertTrue(linux != null && linux > 10_000_000, "this JVM's VmRSS on Linux: " + linux);
        assertInstanceOf(MacResidentMemory.class, ProcessMemory.readerFor("Mac OS X"));
        assertNull(ProcessMemory.readerFor("Windows 11").get(), "unknown, never made up");
        assertNull(ProcessMemory.readerFor("FreeBSD").get());
        // on Linux there is no proc_pid_rusage in libc: the Mac reader answers unknown instead of failing
        assertNull(new MacResidentMemory().get());
    }

    @Test
    void macStructOffsetsFollowSysResourceH() {
        assertEquals(64, MacResidentMemory.RESIDENT_SIZE_OFFSET, "uuid[16] + 6 uint64 before ri_resident_size");
        assertEquals(96, MacResidentMemory.STRUCT_BYTES, "uuid[16] + 10 uint64 in rusage_info_v0");
    }

    @Test
    void samplesAtMostEvery250Ms() {
        AtomicInteger reads = new AtomicInteger();
        ProcessMemory m = new ProcessMemory(() -> (long) reads.incrementAndGet());
        assertEquals(1L, m.rssBytes());
        assertEquals(1L, m.rssBytes());
        assertEquals(1, reads.get());
    }
}
