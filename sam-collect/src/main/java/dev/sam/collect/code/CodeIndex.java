package dev.sam.collect.code;

import dev.sam.collect.quality.SecretScrubber;
import dev.sam.collect.store.CollectSchema;
import dev.sam.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The code index in sam.db (the original pipeline's "dedup database"): files by repository and path with
 * their content hash (the git blob id) and language, and the symbols of each distinct content.
 *
 * <pre>Map&lt;String, String&gt; known = new CodeIndex(db).files(repoKey);</pre>
 */
public final class CodeIndex {
    private final Database db;

    public CodeIndex(Database db) {
        this.db = db;
        db.migrate(CollectSchema.MIGRATIONS);
    }

    /** path → blob id of the files indexed for a repository. */
    public Map<String, String> files(String repo) {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(
                    "SELECT path, blob FROM collect_code_files WHERE repo = ?")) {
                ps.setString(1, repo);
                Map<String, String> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw db.error("read the code index", e);
            }
        }
    }

    /** Blob ids whose symbols are already indexed (under any repository or path). */
    public Set<String> blobs() {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement("SELECT DISTINCT blob FROM collect_code_files");
                 ResultSet rs = ps.executeQuery()) {
                Set<String> out = new HashSet<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            } catch (SQLException e) {
                throw db.error("read the code index", e);
            }
        }
    }

    /** Per language: files and symbols indexed (for reports). */
    public Map<String, long[]> languages() {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(
                    "SELECT language, COUNT(*), SUM(symbols) FROM collect_code_files GROUP BY language");
                 ResultSet rs = ps.executeQuery()) {
                Map<String, long[]> out = new HashMap<>();
                while (rs.next()) {
                    out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                }
                return out;
            } catch (SQLException e) {
                throw db.error("read the code index", e);
            }
        }
    }

    /** SQL work recording one file and, when its content is new, its symbols. */
    static Database.SqlWork<Void> record(String repo, String path, String blob, Language lang, List<CodeSymbol> symbols,
                                         boolean newBlob, String now) {
        return c -> {
            upsertFile(c, repo, path, blob, lang, symbols.size(), now);
            if (newBlob) {
                insertSymbols(c, blob, symbols);
            }
            return null;
        };
    }

    /** SQL work forgetting the files of a repository that are no longer in its HEAD. */
    static Database.SqlWork<Void> forget(String repo, Set<String> paths) {
        return c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM collect_code_files WHERE repo = ? AND path = ?")) {
                for (String p : paths) {
                    ps.setString(1, repo);
                    ps.setString(2, p);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        };
    }

    private static void upsertFile(Connection c, String repo, String path, String blob, Language lang, int symbols,
                                   String now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO collect_code_files(repo, path, blob, language, symbols, indexed_at) VALUES (?,?,?,?,?,?)
                ON CONFLICT(repo, path) DO UPDATE SET blob=excluded.blob, language=excluded.language,
                  symbols=excluded.symbols, indexed_at=excluded.indexed_at""")) {
            ps.setString(1, repo);
            ps.setString(2, path);
            ps.setString(3, blob);
            ps.setString(4, lang.id());
            ps.setInt(5, symbols);
            ps.setString(6, now);
            ps.executeUpdate();
        }
    }

    private static void insertSymbols(Connection c, String blob, List<CodeSymbol> symbols) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT OR IGNORE INTO collect_code_symbols(blob, language, kind, name, signature, doc, start_line, end_line,
                  quality) VALUES (?,?,?,?,?,?,?,?,?)""")) {
            for (CodeSymbol s : symbols) {
                ps.setString(1, blob);
                ps.setString(2, s.language().id());
                ps.setString(3, s.kind());
                ps.setString(4, s.name());
                // scrubbed like everything SAM stores (a doc comment may quote a credential)
                ps.setString(5, SecretScrubber.DEFAULT.clean(s.signature()));
                ps.setString(6, s.docText() == null ? null : SecretScrubber.DEFAULT.clean(s.docText()));
                ps.setInt(7, s.startLine());
                ps.setInt(8, s.endLine());
                ps.setDouble(9, CodeQuality.score(s));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
