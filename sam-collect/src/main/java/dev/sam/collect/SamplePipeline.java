package dev.sam.collect;

import dev.sam.collect.quality.DedupIndex;
import dev.sam.collect.quality.MinHash;
import dev.sam.collect.quality.SampleText;
import dev.sam.core.sample.SampleValidator;
import dev.sam.collect.quality.SecretDetector;
import dev.sam.collect.quality.SampleScrubber;
import dev.sam.collect.quality.SecretScrubber;
import dev.sam.collect.store.Batch;
import dev.sam.collect.store.DataStore;
import dev.sam.collect.store.Records;
import dev.sam.core.Times;
import dev.sam.core.json.Json;
import dev.sam.core.model.PreferencePair;
import dev.sam.core.model.Sample;
import dev.sam.core.store.Database;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every candidate goes through here before it is stored: secret scrubbing, the residual secret check,
 * validation and quality threshold, then exact and near dedup against everything stored so far.
 * {@link #prepare} is thread-safe (sources call it from worker threads); {@link #offer} and the rest are
 * called from one thread. Accepted samples are committed at the source's {@link #checkpoint}s.
 *
 * <pre>pipeline.offer(pipeline.prepare(Source.DOCS, candidate)); pipeline.checkpoint();</pre>
 */
public final class SamplePipeline {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SamplePipeline.class);
    private static final int AUTO_COMMIT_LINES = 2000;

    private final DataStore store;
    private final SampleValidator validator;
    private final SampleScrubber scrubber;
    private final Map<Source, Tally> tallies = new EnumMap<>(Source.class);
    private Batch batch = new Batch();

    /** A candidate after scrubbing and validation: the sample (with id), its hashes, or why it was rejected. */
    public record Prepared(Source source, Sample sample, String hash, String prompt, int[] sig, String reject) {
    }

    public SamplePipeline(DataStore store, SampleValidator validator) {
        this(store, validator, SecretScrubber.DEFAULT);
    }

    /** @param rules the secret rules (an auditing scrubber to measure what they replace) */
    public SamplePipeline(DataStore store, SampleValidator validator, SecretScrubber rules) {
        this.store = store;
        this.validator = validator;
        this.scrubber = new SampleScrubber(rules);
    }

    /**
     * Scrubs and validates a candidate (id, source and created_at are filled in here). Thread-safe.
     * Candidates carry instruction/input/output or messages, a quality, meta and their origin
     * ({@link dev.sam.core.sample.SampleOrigin}).
     */
    public Prepared prepare(Source source, Sample c) {
        return prepare(source, c, scrubber.scrub(c));
    }

    /**
     * {@link #prepare} for a candidate cut from text that went through {@link #scrubText} (a source file):
     * the rules already ran on all of it, so only the values known to the run are applied again.
     */
    public Prepared prepareScrubbed(Source source, Sample c) {
        return prepare(source, c, scrubber.again(c));
    }

    private Prepared prepare(Source source, Sample c, SampleScrubber.Scrubbed scrubbed) {
        Sample t = scrubbed.sample();
        Sample s = new Sample(null, source.dir(), c.quality(), null, t.instruction(), t.input(), t.output(), t.messages(),
                t.meta(), c.origin());
        if (s.isChat() ? s.messages().stream().anyMatch(m -> SecretDetector.stillSecret(m.content()))
                : SecretDetector.stillSecret(s.instruction()) || SecretDetector.stillSecret(s.input())
                || SecretDetector.stillSecret(s.output())) {
            // where it came from (never the text): lets the user find and rotate the credential
            LOG.info("{}: rejected a sample that still looks secret after scrubbing: {}", source.cliName(), c.meta());
            return new Prepared(source, s, null, null, null, Reasons.SECRET);
        }
        SampleText text = SampleText.of(s);
        String hash = text.exactHash();
        Map<String, Object> meta = new LinkedHashMap<>(s.meta() == null ? Map.of() : s.meta());
        if (scrubbed.secrets() > 0) {
            meta.merge("secrets_scrubbed", scrubbed.secrets(), (a, b) -> ((Number) a).intValue() + (Integer) b);
        }
        s = new Sample(hash.substring(0, 16), s.source(), s.quality(), Times.now(), s.instruction(), s.input(),
                s.output(), s.messages(), meta.isEmpty() ? null : meta, s.origin());
        String problem = validator.problem(s);
        return new Prepared(source, s, hash, text.promptHash(), problem == null ? MinHash.signature(text.shingles()) : null,
                problem);
    }

    /** A source file's text before it is cut into samples (a cut must not split a secret into unrecognisable halves). */
    public String scrubText(String text) {
        return scrubber.text(text);
    }

    /** Dedups and queues a prepared candidate; true when it was accepted. */
    public boolean offer(Prepared prepared) {
        Prepared p = prepared;
        if (p.reject() == null) {
            // values found by other threads (or later in this chunk) since this sample was prepared
            SampleScrubber.Scrubbed again = scrubber.again(p.sample());
            if (again.secrets() > 0) {
                p = prepare(p.source(), again.sample());
            }
        }
        Tally t = tally(p.source());
        t.candidates++;
        String reason = p.reject() != null ? p.reject() : store.index().check(p.hash(), p.prompt(), p.sig());
        if (reason != null) {
            t.reject(reason);
            batch.reject(p.source().dir(), reason);
            return false;
        }
        store.index().add(p.hash(), p.prompt(), p.sig());
        batch.add(p.source().file(), new Batch.Line(Json.write(p.sample()), p.hash(), p.prompt(), p.sig()));
        t.added++;
        if (batch.lineCount() >= AUTO_COMMIT_LINES) {
            checkpoint();
        }
        return true;
    }

    /** prepare + offer. */
    public boolean offer(Source source, Sample candidate) {
        return offer(prepare(source, candidate));
    }

    /** Counts a candidate a source refused before it became a sample (a merge, a bot, a failed route). */
    public void reject(Source source, String reason) {
        Tally t = tally(source);
        t.candidates++;
        t.reject(reason);
        batch.reject(source.dir(), reason);
    }

    /** A DPO pair (TRL's prompt/chosen/rejected): scrubbed, checked, deduplicated like samples. */
    public boolean offerPair(Source source, PreferencePair pair) {
        List<String> clean3 = scrubber.texts(java.util.Arrays.asList(pair.prompt(), pair.chosen(), pair.rejected())).texts();
        String prompt = clean3.get(0);
        String chosen = clean3.get(1);
        String rejected = clean3.get(2);
        Tally t = tally(source);
        if (prompt == null || chosen == null || rejected == null || prompt.isBlank() || chosen.isBlank()
                || rejected.isBlank() || chosen.strip().equals(rejected.strip())) {
            t.reject(Reasons.INVALID_PAIR);
            batch.reject(source.dir(), Reasons.INVALID_PAIR);
            return false;
        }
        if (SecretDetector.stillSecret(prompt) || SecretDetector.stillSecret(chosen) || SecretDetector.stillSecret(rejected)) {
            t.reject(Reasons.SECRET);
            batch.reject(source.dir(), Reasons.SECRET);
            return false;
        }
        SampleText text = SampleText.ofPair(prompt, chosen, rejected);
        String hash = text.exactHash();
        int[] sig = MinHash.signature(text.shingles());
        if (store.index().check(hash, null, sig) != null) {
            t.reject(Reasons.DUPLICATE_PAIR);
            batch.reject(source.dir(), Reasons.DUPLICATE_PAIR);
            return false;
        }
        store.index().add(hash, null, sig);
        PreferencePair clean = new PreferencePair(prompt, chosen, rejected, hash.substring(0, 16), source.dir(),
                Times.now(), pair.meta());
        batch.add(Records.PAIRS_FILE, new Batch.Line(Json.write(clean), hash, null, sig));
        t.pairs++;
        return true;
    }

    /** Notes the number of inputs a source looked at (commits, files, lines). */
    public void scanned(Source source, long n) {
        tally(source).scanned += n;
    }

    public void note(Source source, String note) {
        tally(source).notes.add(note);
    }

    /** Stages a cursor; it is committed with the samples queued so far at the next checkpoint. */
    public void cursor(Source source, String key, String value) {
        batch.cursor(source.dir(), key, value);
    }

    /** Stages index rows of the source's own tables (written only after the samples are committed). */
    public void work(Database.SqlWork<?> w) {
        batch.work(w);
    }

    /** Commits everything queued (samples, rejects, cursors, index rows). */
    public void checkpoint() {
        store.commit(batch);
        batch = new Batch();
    }

    /** Marks a source as run, so its updated_at moves even when it found nothing new. */
    public void ran(Source source) {
        tally(source);
        batch.ran(source.dir());
    }

    public DataStore store() {
        return store;
    }

    public SourceReport report(Source s, String skipped) {
        Tally t = tallies.getOrDefault(s, new Tally());
        return new SourceReport(s.cliName(), s.dir(), skipped, t.scanned, t.candidates, t.added, t.pairs,
                Map.copyOf(t.rejects), List.copyOf(t.notes));
    }

    private Tally tally(Source s) {
        return tallies.computeIfAbsent(s, k -> new Tally());
    }

    private static final class Tally {
        long scanned;
        long candidates;
        long added;
        long pairs;
        final Map<String, Long> rejects = new java.util.TreeMap<>();
        final List<String> notes = new ArrayList<>();

        void reject(String reason) {
            rejects.merge(reason, 1L, Long::sum);
        }
    }
}
