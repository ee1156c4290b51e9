package dev.sam.serve.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sam.core.TestHomes;
import dev.sam.core.store.Database;
import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.core.store.RequestRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsWriterTest {
    @TempDir
    Path tmp;

    @Test
    void batchesFlushesAndLosesNothingOnClose() {
        try (Database db = Database.open(TestHomes.fresh(tmp).database())) {
            MetricsWriter w = MetricsWriter.start(db, 50);
            for (int i = 0; i < 500; i++) {
                w.record(new RequestRecord(1000 + i, i % 5 == 0 ? "v2" : "v1", "chat.completions", i % 10 != 0,
                        i, 1_000_000L + i, 3L));
            }
            w.flush();
            List<RequestMetricsRepository.PerVersion> s = new RequestMetricsRepository(db).perVersion(0);
            assertEquals(2, s.size());
            RequestMetricsRepository.PerVersion v1 = s.get(0);
            assertEquals("v1", v1.version());
            assertEquals(400, v1.requests());
            assertEquals(0, v1.errors());
            assertEquals(100, s.get(1).requests());
            assertEquals(50, s.get(1).errors(), "every tenth request failed, all of them v2");
            assertEquals(1_000_499L, (long) s.get(1).peakRssBytes() + 4, "max RSS of v2 (i = 495)");
            for (int i = 0; i < 100; i++) {
                w.record(new RequestRecord(5000, "v3", "chat.completions", true, 1, null, null));
            }
            w.close();
            assertEquals(600, w.written());
            assertEquals(0, w.dropped());
            assertEquals(100, new RequestMetricsRepository(db).perVersion(5000).get(0).requests());
            w.record(new RequestRecord(6000, "v3", "x", true, 1, null, null));
            assertEquals(1, w.dropped(), "after close nothing is accepted");
        }
    }
}
