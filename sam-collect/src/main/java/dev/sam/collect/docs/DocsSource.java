package dev.sam.collect.docs;

import dev.sam.collect.Collector;
import dev.sam.collect.Reasons;
import dev.sam.collect.SamplePipeline;
import dev.sam.collect.Source;
import dev.sam.collect.store.JsonlReader;
import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.model.Sample;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Database;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;

/**
 * Project-knowledge samples from markdown (the original pipeline's SSOT docs): each file is split by
 * heading into question/answer samples that name the project. A file whose content hash has not
 * changed since it was last read is skipped.
 *
 * <pre>new DocsSource(repos, docRoots, db).collect(pipeline, progress);</pre>
 */
public final class DocsSource implements Collector {
    static final long MAX_FILE_BYTES = 1 << 20;
    private static final int FILES_PER_UPDATE = 100;
    private static final int LISTED = 5;

    private final List<Repository> repos;
    private final List<Path> roots;
    private final Database db;

    public DocsSource(List<Repository> repos, List<Path> roots, Database db) {
        this.repos = repos;
        this.roots = roots;
        this.db = db;
    }

    @Override
    public void collect(SamplePipeline p, ProgressListener progress) {
        List<DocFiles.DocFile> files = new ArrayList<>();
        try {
            for (Repository r : repos) {
                files.addAll(DocFiles.inRepo(r));
            }
            for (Path root : roots) {
                files.addAll(DocFiles.underRoot(root));
            }
        } catch (IOException e) {
            throw SamException.failure("cannot list the documentation files: " + e.getMessage(), "check permissions");
        }
        Map<String, String> seen = indexed();
        p.scanned(Source.DOCS, files.size());
        progress.start("docs", files.size());
        List<String> problems = new ArrayList<>();
        String now = Times.now();
        List<Sample> candidates = new ArrayList<>();
        List<Database.SqlWork<?>> rows = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            file(p, files.get(i), seen, problems, now, candidates, rows);
            if ((i + 1) % FILES_PER_UPDATE == 0) {
                progress.update(i + 1, candidates.size() + " sections");
            }
        }
        // best-scored first: of two sections that ask the same question, the better answer is kept and the
        // other counted as a conflict (stable sort: equal scores keep file order, so a re-run decides alike)
        candidates.sort(java.util.Comparator.comparingDouble((Sample c) -> -c.quality()));
        candidates.forEach(c -> p.offer(Source.DOCS, c));
        // the files are marked as read only with (or after) their samples: a kill before the checkpoint
        // leaves them unread, and the next run reads them again (dedup drops what was committed)
        rows.forEach(p::work);
        if (!problems.isEmpty()) {
            p.note(Source.DOCS, problems.size() + " file(s) skipped: " + String.join("; ",
                    problems.subList(0, Math.min(LISTED, problems.size()))) + (problems.size() > LISTED ? "; …" : ""));
        }
        p.checkpoint();
        progress.finish(null);
    }

    private void file(SamplePipeline p, DocFiles.DocFile f, Map<String, String> seen, List<String> problems, String now,
                      List<Sample> candidates, List<Database.SqlWork<?>> rows) {
        byte[] bytes;
        try {
            bytes = f.loader().load();
        } catch (IOException | RuntimeException e) {
            p.reject(Source.DOCS, Reasons.UNREADABLE);
            problems.add(f.display() + " is unreadable (" + e.getMessage() + ")");
            return;
        }
        String sha = sha256(bytes);
        if (sha.equals(seen.get(f.key()))) {
            return;
        }
        String text = bytes.length > MAX_FILE_BYTES ? null : JsonlReader.decode(bytes);
        if (text == null) {
            // remembered with its hash like a good file: reported once, read again only when it changes
            p.reject(Source.DOCS, bytes.length > MAX_FILE_BYTES ? Reasons.TOO_LARGE : Reasons.INVALID_UTF8);
            problems.add(f.display() + (bytes.length > MAX_FILE_BYTES ? " is larger than 1 MB" : " is not valid UTF-8"));
        }
        List<MarkdownSplitter.Section> sections = text == null ? List.of() : MarkdownSplitter.split(text);
        for (MarkdownSplitter.Section s : sections) {
            Sample candidate = DocSamples.of(f.project(), f.display(), s);
            if (candidate == null) {
                p.reject(Source.DOCS, Reasons.TOO_SHORT);
            } else {
                candidates.add(candidate);
            }
        }
        int count = sections.size();
        rows.add(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO collect_doc_files(path, sha256, sections, indexed_at) VALUES (?,?,?,?)
                    ON CONFLICT(path) DO UPDATE SET sha256=excluded.sha256, sections=excluded.sections,
                      indexed_at=excluded.indexed_at""")) {
                ps.setString(1, f.key());
                ps.setString(2, sha);
                ps.setInt(3, count);
                ps.setString(4, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private Map<String, String> indexed() {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement("SELECT path, sha256 FROM collect_doc_files");
                 ResultSet rs = ps.executeQuery()) {
                Map<String, String> out = new HashMap<>();
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
                return out;
            } catch (SQLException e) {
                throw db.error("read the doc index", e);
            }
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
