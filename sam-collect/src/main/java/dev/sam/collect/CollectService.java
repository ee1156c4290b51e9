package dev.sam.collect;

import dev.sam.collect.code.CodeSource;
import dev.sam.collect.distill.DistillSource;
import dev.sam.collect.distill.DistillStore;
import dev.sam.collect.docs.DocsSource;
import dev.sam.collect.git.CommitSource;
import dev.sam.collect.git.CommitTargets;
import dev.sam.collect.store.DataMigration;
import dev.sam.core.sample.SampleValidator;
import dev.sam.collect.routing.RoutingSource;
import dev.sam.collect.store.DataStore;
import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.Manifest;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Database;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code sam collect}: runs the chosen sources through the pipeline into {@code training_data/}. Inputs
 * are checked before anything changes; one collection at a time (lock {@code collect}); every batch is
 * committed atomically, so an interrupted run loses nothing already committed and the next run resumes.
 *
 * <pre>CollectReport r = new CollectService(home, config, db).collect(CollectRequest.all(), ProgressListener.NONE);</pre>
 */
public final class CollectService {
    public static final String LOCK = "collect";

    private final SamHome home;
    private final SamConfig config;
    private final Database db;
    private final Clock clock;

    public CollectService(SamHome home, SamConfig config, Database db) {
        this(home, config, db, Clock.systemDefaultZone());
    }

    public CollectService(SamHome home, SamConfig config, Database db, Clock clock) {
        this.home = home;
        this.config = config;
        this.db = db;
        this.clock = clock;
    }

    public CollectReport collect(CollectRequest req, ProgressListener progress) {
        long t0 = System.nanoTime();
        Set<Source> selected = req.sources().isEmpty() ? EnumSet.allOf(Source.class) : EnumSet.copyOf(req.sources());
        try (CollectInputs in = CollectInputs.resolve(req, selected, config, home, clock)) {
            if (!req.sources().isEmpty()) {
                for (Source s : selected) {
                    if (in.missing(s) != null) {
                        throw SamException.usage("cannot collect " + s.cliName() + ": " + in.missing(s), null);
                    }
                }
            }
            try (ProcessLock lock = lock(home, "sam collect")) {
                // existing homes: commit targets collected before the cleaning rules are re-cleaned once
                DataStore store = DataStore.open(home, db, config.collect().nearDuplicateThreshold(), req.dryRun(),
                        List.of(new DataMigration.Step(CommitTargets.MIGRATION, Source.COMMITS.dir(),
                                new CommitTargets(config.collect().ticketPrefix()))));
                SamplePipeline p = new SamplePipeline(store, new SampleValidator(config.collect().minQuality()));
                List<SourceReport> reports = new ArrayList<>();
                for (Source s : Source.values()) {
                    if (!selected.contains(s)) {
                        continue;
                    }
                    String missing = in.missing(s);
                    if (missing == null) {
                        collector(s, in).collect(p, progress);
                        p.ran(s);
                    }
                    reports.add(p.report(s, missing));
                }
                p.checkpoint();
                return report(home, req.dryRun(), store, reports, t0);
            }
        }
    }

    private Collector collector(Source s, CollectInputs in) {
        return switch (s) {
            case COMMITS -> new CommitSource(in.repos, in.since, config.collect().maxDiffLines(),
                    config.collect().ticketPrefix());
            case CODE -> new CodeSource(in.repos, db);
            case DOCS -> new DocsSource(in.repos, in.docRoots, db);
            case DISTILL -> new DistillSource(new DistillStore(db));
            case ROUTING -> new RoutingSource(in.routingLogs);
        };
    }

    /** The collect lock, or "not ready" (exit 3) naming the process that holds it. */
    public static ProcessLock lock(SamHome home, String holder) {
        return ProcessLock.tryAcquire(home.lockFile(LOCK), holder).orElseThrow(() -> SamException.notReady(
                "another collection is running (" + ProcessLock.holderOf(home.lockFile(LOCK)) + ")",
                "wait for it to finish, then run again"));
    }

    /** The report of a run whose sources produced {@code reports}; totals from the store's manifest. */
    public static CollectReport report(SamHome home, boolean dryRun, DataStore store, List<SourceReport> reports,
                                       long t0) {
        long added = reports.stream().mapToLong(SourceReport::added).sum();
        long pairs = reports.stream().mapToLong(SourceReport::pairs).sum();
        long rejected = reports.stream().mapToLong(SourceReport::rejected).sum();
        Manifest m = store.manifest();
        List<String> warnings = new ArrayList<>(store.warnings());
        return new CollectReport(dryRun, reports, added, rejected, m.totalSamples() + (dryRun ? added : 0),
                m.preferencePairs() + (dryRun ? pairs : 0), home.manifest().toString(), warnings,
                (System.nanoTime() - t0) / 1e9);
    }
}
