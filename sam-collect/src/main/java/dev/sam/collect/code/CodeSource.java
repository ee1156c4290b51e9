package dev.sam.collect.code;

import dev.sam.collect.Collector;
import dev.sam.collect.InOrderPool;
import dev.sam.collect.Reasons;
import dev.sam.collect.SamplePipeline;
import dev.sam.collect.Source;
import dev.sam.collect.git.GitRepos;
import dev.sam.collect.git.PathKind;
import dev.sam.collect.store.JsonlReader;
import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.model.Sample;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Database;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Code-pattern samples from the source files at HEAD of each repository: every file goes into the code
 * index by content (git blob id) and language; documented functions and types of content not seen
 * before become "implement this documented function" and "document this function" samples, and a share
 * of all functions (collect.fim_rate) a fill-in-the-middle sample ({@link FimSamples}). Files whose
 * blob did not change since the last run are skipped; the cursor is the HEAD that was indexed.
 *
 * <pre>new CodeSource(repos, db, 0.5).collect(pipeline, progress);</pre>
 */
public final class CodeSource implements Collector {
    /** Larger source files are generated or data, not code to learn from. */
    static final long MAX_FILE_BYTES = 512 * 1024;
    private static final int FILES_PER_CHECKPOINT = 200;
    /** Files per pool task. */
    private static final int BATCH = 8;
    private static final int LISTED = 5;

    private final List<Repository> repos;
    private final Database db;
    private final double fimRate;

    /** @param fimRate share of functions that also give a fill-in-the-middle sample ({@link FimSamples}) */
    public CodeSource(List<Repository> repos, Database db, double fimRate) {
        this.repos = repos;
        this.db = db;
        this.fimRate = fimRate;
    }

    /** A source file at HEAD. */
    private record Entry(String path, ObjectId blob, Language language) {
    }

    @Override
    public void collect(SamplePipeline p, ProgressListener progress) {
        CodeIndex index = new CodeIndex(db);
        Set<String> blobs = index.blobs();
        for (Repository repo : repos) {
            try {
                collect(repo, p, progress, index, blobs);
            } catch (IOException e) {
                throw SamException.failure("cannot read the files of " + repo.getDirectory() + ": " + e.getMessage(),
                        "check the repository with `git fsck`; samples collected so far are kept");
            }
        }
    }

    private void collect(Repository repo, SamplePipeline p, ProgressListener progress, CodeIndex index,
                         Set<String> blobs) throws IOException {
        String key = GitRepos.key(repo);
        String name = GitRepos.name(repo);
        ObjectId head = repo.resolve(Constants.HEAD);
        if (head == null) {
            p.note(Source.CODE, "repository " + name + " (" + repo.getDirectory() + ") has no commits yet");
            return;
        }
        if (head.name().equals(p.store().cursor(Source.CODE, key))) {
            return;
        }
        Map<String, String> known = index.files(key);
        List<Entry> files = list(repo, head);
        p.scanned(Source.CODE, files.size());
        progress.start("code " + name, files.size());
        Set<String> seen = new HashSet<>();
        List<String> notUtf8 = new ArrayList<>();
        String now = Times.now();
        List<Entry> changed = new ArrayList<>();
        for (Entry f : files) {
            seen.add(f.path());
            if (!f.blob().name().equals(known.get(f.path()))) {
                changed.add(f);
            }
        }
        int[] done = {files.size() - changed.size()};
        try (InOrderPool pool = InOrderPool.forCpus("sam-code")) {
            // workers read, scrub and cut files into prepared samples; this thread stores them in file order
            pool.run(changed, BATCH, batch -> read(repo, p, name, batch), (batch, results) -> {
                for (FileResult r : results) {
                    store(p, r, key, blobs, notUtf8, now);
                    if (++done[0] % FILES_PER_CHECKPOINT == 0) {
                        p.checkpoint();
                        progress.update(done[0], p.report(Source.CODE, null).added() + " added");
                    }
                }
            });
        }
        Set<String> gone = new HashSet<>(known.keySet());
        gone.removeAll(seen);
        if (!gone.isEmpty()) {
            p.work(CodeIndex.forget(key, gone));
        }
        if (!notUtf8.isEmpty()) {
            p.note(Source.CODE, name + ": " + notUtf8.size() + " file(s) are not valid UTF-8 and were skipped: "
                    + String.join(", ", notUtf8.subList(0, Math.min(LISTED, notUtf8.size())))
                    + (notUtf8.size() > LISTED ? ", …" : ""));
        }
        p.cursor(Source.CODE, key, head.name());
        p.checkpoint();
        progress.finish(null);
    }

    /** What a worker made of one file: a reject reason, or its symbols and prepared samples. */
    private record FileResult(Entry entry, String reject, List<CodeSymbol> symbols, List<SamplePipeline.Prepared> samples) {
    }

    private List<FileResult> read(Repository repo, SamplePipeline p, String repoName, List<Entry> batch) throws IOException {
        List<FileResult> out = new ArrayList<>(batch.size());
        try (ObjectReader reader = repo.newObjectReader()) {
            for (Entry f : batch) {
                out.add(read(p, reader, f, repoName));
            }
        }
        return out;
    }

    private FileResult read(SamplePipeline p, ObjectReader reader, Entry f, String repoName) throws IOException {
        if (reader.getObjectSize(f.blob(), Constants.OBJ_BLOB) > MAX_FILE_BYTES) {
            return new FileResult(f, Reasons.TOO_LARGE, List.of(), List.of());
        }
        byte[] bytes = reader.open(f.blob(), Constants.OBJ_BLOB).getCachedBytes();
        String text = RawText.isBinary(bytes) ? null : JsonlReader.decode(bytes);
        if (text == null || PathKind.generatedContent(bytes)) {
            return new FileResult(f, text == null ? Reasons.INVALID_UTF8 : Reasons.GENERATED, List.of(), List.of());
        }
        // scrubbed whole: a fill-in-the-middle cut inside a key would leave two halves no rule recognises
        text = p.scrubText(text);
        List<CodeSymbol> symbols = SymbolExtractor.extract(f.language(), text);
        List<SamplePipeline.Prepared> samples = new ArrayList<>();
        for (CodeSymbol s : symbols) {
            for (Sample candidate : CodeSamples.of(s, repoName, f.path())) {
                samples.add(p.prepareScrubbed(Source.CODE, candidate));
            }
            FimSamples.of(s, repoName, f.path(), fimRate).ifPresent(c -> samples.add(p.prepareScrubbed(Source.CODE, c)));
        }
        return new FileResult(f, null, symbols, samples);
    }

    /**
     * Stores a file's outcome. A file that yields nothing is still indexed (with no symbols): reported once,
     * read again when it changes. A blob already indexed (the same content at another path) adds no samples.
     */
    private static void store(SamplePipeline p, FileResult r, String key, Set<String> blobs, List<String> notUtf8,
                              String now) {
        Entry f = r.entry();
        if (r.reject() != null) {
            p.reject(Source.CODE, r.reject());
            if (r.reject().equals(Reasons.INVALID_UTF8)) {
                notUtf8.add(f.path());
            }
            p.work(CodeIndex.record(key, f.path(), f.blob().name(), f.language(), List.of(), false, now));
            return;
        }
        boolean newBlob = blobs.add(f.blob().name());
        if (newBlob) {
            r.samples().forEach(p::offer);
        }
        p.work(CodeIndex.record(key, f.path(), f.blob().name(), f.language(), r.symbols(), newBlob, now));
    }

    private static List<Entry> list(Repository repo, ObjectId head) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (RevWalk rw = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
            tw.addTree(rw.parseCommit(head).getTree());
            tw.setRecursive(true);
            while (tw.next()) {
                String path = tw.getPathString();
                Language lang = Language.of(path);
                if (lang != null && tw.getFileMode(0) == FileMode.REGULAR_FILE && PathKind.of(path) == PathKind.SOURCE) {
                    out.add(new Entry(path, tw.getObjectId(0), lang));
                }
            }
        }
        return out;
    }
}
