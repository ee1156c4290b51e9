package dev.sam.serve.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
