package dev.sam.collect.bench;

import dev.sam.collect.CollectReport;
import dev.sam.collect.CollectRequest;
import dev.sam.collect.CollectService;
import dev.sam.collect.Source;
import dev.sam.collect.SourceReport;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Database;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One measured collection in a fresh JVM (cold, as a user's {@code sam collect} runs): commits, then code
 * and docs, of one repository into a new SAM home, through the public {@link CollectService} only (so the
 * same class runs against the base build). Prints one JSON line. Run by {@link CollectBench}.
 */
public final class CollectBenchChild {
    private CollectBenchChild() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]);
        Path tmp = Files.createTempDirectory("sam-collect-bench");
        try {
            SamHome home = SamHome.of(tmp.resolve("home")).ensureLayout();
            try (Database db = Database.open(home.database())) {
                CollectService service = new CollectService(home, SamConfig.defaults(), db);
                long cpu0 = cpuNanos();
                long t0 = System.nanoTime();
                CollectReport commits = service.collect(request(Source.COMMITS, repo), ProgressListener.NONE);
                long t1 = System.nanoTime();
                long cpu1 = cpuNanos();
                CollectReport rest = service.collect(new CollectRequest(Set.of(Source.CODE, Source.DOCS), List.of(repo),
                        null, null, null, false), ProgressListener.NONE);
                long t2 = System.nanoTime();
                long cpu2 = cpuNanos();
                SourceReport c = commits.sources().get(0);
                long samples = commits.added() + rest.added();
                System.out.printf(java.util.Locale.ROOT, "{\"commits\": %d, \"commit_samples\": %d, \"samples\": %d, "
                                + "\"commits_seconds\": %.4f, \"total_seconds\": %.4f, \"commits_cpu_seconds\": %.4f, "
                                + "\"total_cpu_seconds\": %.4f}%n", c.scanned(), c.added(), samples, (t1 - t0) / 1e9,
                        (t2 - t0) / 1e9, (cpu1 - cpu0) / 1e9, (cpu2 - cpu0) / 1e9);
            }
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static CollectRequest request(Source s, Path repo) {
        return new CollectRequest(Set.of(s), List.of(repo), null, null, null, false);
    }

    private static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }
}
