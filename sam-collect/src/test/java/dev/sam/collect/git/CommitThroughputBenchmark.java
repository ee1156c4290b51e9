package dev.sam.collect.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.collect.CollectReport;
import dev.sam.collect.Harness;
import dev.sam.collect.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark: commits per second of `sam collect --source commits` on a 10,000-commit repository, end to
 * end (walk, diff, scrub, validate, dedup, write, commit). Target from issue #6: at least 1,000/s.
 * Run with -Pslow; the result is printed and written to target/benchmark-commits.txt.
 */
@Tag("slow")
class CommitThroughputBenchmark {
    @TempDir
    Path tmp;

    @Test
    void tenThousandCommits() throws Exception {
        long t0 = System.nanoTime();
        Path repo = SyntheticRepo.build(tmp.resolve("repo"), 10_000, 1);
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        try (Harness h = new Harness(tmp)) {
            long t1 = System.nanoTime();
            CollectReport r = h.collect(Source.COMMITS, List.of(repo));
            double seconds = (System.nanoTime() - t1) / 1e9;
            long scanned = h.report(r, Source.COMMITS).scanned();
            double rate = scanned / seconds;
            String line = String.format("commits: %d in %.2f s = %.0f commits/s (%d added, %d rejected) on %d cores;"
                            + " repository built in %.1f s%n", scanned, seconds, rate, r.added(), r.rejected(),
                    Runtime.getRuntime().availableProcessors(), buildSeconds);
            System.out.print(line);
            Files.writeString(Path.of(System.getProperty("java.io.tmpdir")).getParent().resolve("benchmark-commits.txt"),
                    line);
            assertEquals(10_000, scanned);
            assertTrue(rate >= 1000, line);
        }
    }
}
