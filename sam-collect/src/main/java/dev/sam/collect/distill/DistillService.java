package dev.sam.collect.distill;

import dev.sam.collect.CollectReport;
import dev.sam.collect.CollectService;
import dev.sam.collect.SamplePipeline;
import dev.sam.collect.Source;
import dev.sam.core.sample.SampleValidator;
import dev.sam.collect.quality.SecretDetector;
import dev.sam.collect.quality.KnownSecrets;
import dev.sam.collect.quality.SecretScrubber;
import dev.sam.collect.store.DataStore;
import dev.sam.collect.store.JsonlReader;
import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.Manifest;
import dev.sam.core.model.SourceStats;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Database;
import dev.sam.core.store.ManifestFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code sam distill}: captures assistant sessions (one JSON document, or a JSONL file of them) into the
 * distillation database, scrubbed, then turns the new captures into samples and DPO pairs at once. Each
 * document may be a capture or a chat transcript ({@link TranscriptReader}, format detected per line and
 * counted in the report). A bad line of an import is reported with its number and reason and the good
 * lines are kept.
 *
 * <pre>DistillReport r = new DistillService(home, config, db).importFile(Path.of("sessions.jsonl"), progress);</pre>
 */
public final class DistillService {
    private static final int SHOWN = 3;

    private final SamHome home;
    private final SamConfig config;
    private final Database db;

    public DistillService(SamHome home, SamConfig config, Database db) {
        this.home = home;
        this.config = config;
        this.db = db;
    }

    /** What a document must be, for hints. */
    static final String SHAPES = "one JSON object: {\"prompt\", \"answer\"}, an OpenAI transcript {\"messages\":[…]}"
            + " or a ShareGPT one {\"conversations\":[…]}";

    /**
     * One capture document (from stdin or a file), in any format {@link TranscriptReader} reads; a document
     * that is not valid is refused.
     */
    public DistillReport capture(String text, String origin) {
        TranscriptReader.Result r = TranscriptReader.read(text == null ? null : text.strip());
        if (r.error() != null) {
            throw SamException.failure("the capture from " + origin + " is not valid: " + r.error(),
                    "send " + SHAPES + " (see `sam distill capture --help`)");
        }
        List<DistillCapture> clean = new ArrayList<>();
        for (DistillCapture d : r.captures()) {
            DistillCapture c = scrub(d);
            if (c == null) {
                throw SamException.failure("the capture from " + origin + " still looks like it contains a secret after "
                        + "scrubbing; it was not stored", "remove the credential from the text and capture it again");
            }
            clean.add(c);
        }
        return ingest(clean, origin, 1, List.of(), Map.of(r.format(), 1L), ProgressListener.NONE);
    }

    /** A JSONL file of capture documents: bad lines are reported (line and reason) and skipped. */
    public DistillReport importFile(Path file, ProgressListener progress) {
        if (!Files.exists(file)) {
            throw SamException.usage(file + " does not exist", "check the path of the JSONL file to import");
        }
        if (Files.isDirectory(file)) {
            throw SamException.usage(file + " is a directory", "pass a JSONL file with one capture per line");
        }
        List<DistillCapture> good = new ArrayList<>();
        List<DistillReport.Problem> problems = new ArrayList<>();
        Map<String, Long> formats = new java.util.TreeMap<>();
        long[] read = {0};
        try {
            JsonlReader.read(file, 0, Long.MAX_VALUE, (no, text, end) -> {
                if (text != null && text.isBlank()) {
                    return;
                }
                read[0]++;
                TranscriptReader.Result r = TranscriptReader.read(text);
                List<DistillCapture> clean = r.captures().stream().map(DistillService::scrub).toList();
                if (r.error() != null) {
                    problems.add(new DistillReport.Problem(no, r.format() == null
                            || r.format().equals(TranscriptReader.CAPTURE) ? r.error() : r.format() + ": " + r.error()));
                } else if (clean.contains(null)) {
                    problems.add(new DistillReport.Problem(no, "still looks like it contains a secret after scrubbing"));
                } else {
                    good.addAll(clean);
                    formats.merge(r.format(), 1L, Long::sum);
                }
            });
        } catch (IOException e) {
            throw SamException.failure("cannot read " + file + ": " + e.getMessage(), "check its permissions");
        }
        if (good.isEmpty() && !problems.isEmpty()) {
            throw SamException.failure("none of the " + read[0] + " documents in " + file + " is a valid capture: "
                    + problems.stream().limit(SHOWN).map(p -> "line " + p.line() + ": " + p.reason())
                    .collect(Collectors.joining("; ")) + (problems.size() > SHOWN ? "; …" : ""),
                    "each line must be " + SHAPES);
        }
        return ingest(good, file.toString(), read[0], problems, formats, progress);
    }

    public DistillStats stats() {
        DistillStore.Counts c = new DistillStore(db).counts();
        Manifest m = new ManifestFile(home.manifest()).read();
        SourceStats s = m.sources().get(Source.DISTILL.dir());
        String cursor = m.cursors().getOrDefault(Source.DISTILL.dir(), Map.of()).get(DistillSource.CURSOR);
        long pending = Math.max(0, c.maxId() - (cursor == null ? 0 : Long.parseLong(cursor)));
        return new DistillStats(c.captures(), c.byKind(), c.byDomain(), c.averageQuality(), c.first(), c.last(),
                m.distilledSamples(), m.preferencePairs(), s == null ? Map.of() : s.rejects(), pending);
    }

    private DistillReport ingest(List<DistillCapture> captures, String origin, long read,
                                 List<DistillReport.Problem> problems, Map<String, Long> formats,
                                 ProgressListener progress) {
        long t0 = System.nanoTime();
        try (ProcessLock lock = ProcessLock.acquire(home.lockFile(CollectService.LOCK), "sam distill (" + origin + ")")) {
            List<Long> ids = new DistillStore(db).add(captures, origin, Times.now());
            long captured = ids.stream().filter(id -> id > 0).count();
            DataStore store = DataStore.open(home, db, config.collect().nearDuplicateThreshold(), false);
            SamplePipeline p = new SamplePipeline(store, new SampleValidator(config.collect().minQuality()));
            new DistillSource(new DistillStore(db)).collect(p, progress);
            p.ran(Source.DISTILL);
            p.checkpoint();
            CollectReport collected = CollectService.report(home, false, store,
                    List.of(p.report(Source.DISTILL, null)), t0);
            return new DistillReport(origin, read, captured, captures.size() - captured, List.copyOf(problems),
                    Map.copyOf(formats), collected);
        }
    }

    /**
     * The capture with every text scrubbed together (a value found in one — a key in the prompt — is replaced
     * in all, the answer included), or null when a secret survives scrubbing.
     */
    public static DistillCapture scrub(DistillCapture d) {
        List<String> t = SecretScrubber.DEFAULT.scrubAll(java.util.Arrays.asList(d.prompt(), d.reasoning(), d.answer(),
                d.correction() == null ? null : d.correction().wrongAnswer(),
                d.correction() == null ? null : d.correction().explanation(),
                d.preference() == null ? null : d.preference().chosen(),
                d.preference() == null ? null : d.preference().rejected()), new KnownSecrets()).texts();
        for (String s : t) {
            if (SecretDetector.stillSecret(s)) {
                return null;
            }
        }
        return new DistillCapture(t.get(0), t.get(1), t.get(2),
                d.correction() == null ? null : new DistillCapture.Correction(t.get(3), t.get(4)),
                d.preference() == null ? null : new DistillCapture.Preference(t.get(5), t.get(6)),
                d.domain(), d.quality(), d.sessionId(), d.model());
    }
}
