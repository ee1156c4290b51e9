package dev.sam.core.store;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * SAM's SQLite file ({@code SAM_HOME/sam.db}): WAL journal so readers never block the writer, a busy
 * timeout so concurrent CLI processes wait instead of failing, and versioned migrations per module.
 * A file that is not a SQLite database is reported, never overwritten.
 *
 * <pre>try (Database db = Database.open(home.database())) { new RunRepository(db).latest(); }</pre>
 */
public final class Database implements AutoCloseable {
    private final Path file;
    private final Connection conn;

    private Database(Path file, Connection conn) {
        this.file = file;
        this.conn = conn;
    }

    /** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
    public static final java.time.Duration BUSY_TIMEOUT = java.time.Duration.ofSeconds(30);

    /** Opens (creating when absent) and brings the core schema up to date. */
    public static Database open(Path file) {
        return open(file, BUSY_TIMEOUT);
    }

    /**
     * As {@link #open(Path)} with another busy timeout (tests of a locked database must not wait 30 s
     * per statement).
     */
    public static Database open(Path file, java.time.Duration busyTimeout) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw SamException.failure("cannot create the directory of " + file + ": " + e.getMessage(),
                    "check that SAM_HOME is writable");
        }
        if (Files.exists(file) && !Files.isReadable(file)) {
            throw corrupt(file, "is not readable", null);
        }
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
        cfg.enforceForeignKeys(true);
        Connection c = connect(file, cfg, busyTimeout);
        Database db = new Database(file, c);
        try {
            db.migrate(CoreSchema.MIGRATIONS);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /**
     * The connection, waiting up to the busy timeout while another process holds the file: switching a
     * new database to WAL while another connection creates it fails at once with SQLITE_BUSY (the busy
     * handler does not cover it), which two `sam` commands on a fresh home hit.
     */
    private static Connection connect(Path file, SQLiteConfig cfg, java.time.Duration busyTimeout) {
        long deadline = System.nanoTime() + busyTimeout.toNanos();
        while (true) {
            try {
                return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), cfg.toProperties());
            } catch (SQLException e) {
                if (!isBusy(e)) {
                    throw corrupt(file, "cannot be opened", e);
                }
                if (System.nanoTime() > deadline) {
                    throw new SamException(ExitCode.FAILURE, "SAM database " + file + " is locked by another process"
                            + " (" + e.getMessage() + ")", "wait for the other sam command to finish and run again", e);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SamException(ExitCode.FAILURE, "interrupted while opening " + file, null, ie);
                }
            }
        }
    }

    /**
     * Applies the module's migrations that are not yet recorded, each in its own IMMEDIATE transaction
     * that checks again, under the write lock, whether it is still needed: two processes opening a new
     * database at once (two `sam` commands on a fresh home) both see a migration missing, and the second
     * must find it applied instead of creating the same tables again.
     */
    public synchronized void migrate(List<Migration> migrations) {
        try {
            try (Statement st = conn.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL,"
                        + " description TEXT, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
            }
            for (Migration m : migrations) {
                if (applied(m.module(), m.version())) {
                    continue;
                }
                immediate(c -> {
                    if (applied(m.module(), m.version())) {
                        return null;
                    }
                    try (Statement st = c.createStatement()) {
                        for (String sql : m.statements()) {
                            st.execute(sql);
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_migrations(module, version,"
                            + " description, applied_at) VALUES (?,?,?,?)")) {
                        ps.setString(1, m.module());
                        ps.setInt(2, m.version());
                        ps.setString(3, m.description());
                        ps.setString(4, java.time.Instant.now().toString());
                        ps.executeUpdate();
                    }
                    return null;
                });
            }
        } catch (SQLException e) {
            throw corrupt(file, "could not be brought up to date (" + e.getMessage() + ")", e);
        }
    }

    /** Highest applied migration of a module, 0 when none. */
    public synchronized int schemaVersion(String module) {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE module = ?")) {
            ps.setString(1, module);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw error("read the schema version", e);
        }
    }

    private boolean applied(String module, int version) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT 1 FROM schema_migrations WHERE module = ? AND version = ?")) {
            ps.setString(1, module);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The JDBC connection, for repositories in this and other modules. Callers synchronize on this
     * Database for multi-statement work ({@link #inTransaction}).
     */
    public Connection connection() {
        return conn;
    }

    public Path file() {
        return file;
    }

    /** Runs work in one IMMEDIATE transaction (takes the write lock up front, so no upgrade deadlock). */
    public synchronized <T> T inTransaction(SqlWork<T> work) {
        try {
            return immediate(work);
        } catch (SQLException e) {
            throw error("update the database", e);
        }
    }

    /** {@link #inTransaction} without the translation of its errors (migrations report theirs differently). */
    private <T> T immediate(SqlWork<T> work) throws SQLException {
        boolean auto = conn.getAutoCommit();
        try (Statement st = conn.createStatement()) {
            conn.setAutoCommit(true);
            st.execute("BEGIN IMMEDIATE");
            try {
                T result = work.run(conn);
                st.execute("COMMIT");
                return result;
            } catch (SQLException | RuntimeException e) {
                st.execute("ROLLBACK");
                throw e;
            }
        } finally {
            conn.setAutoCommit(auto);
        }
    }

    /**
     * True when {@code t} (or a cause) is SQLite's "another connection holds the lock" after the busy
     * timeout ran out (SQLITE_BUSY, SQLITE_LOCKED and their extended codes): the database is intact, only
     * unavailable now.
     */
    public static boolean isBusy(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof org.sqlite.SQLiteException s) {
                int primary = s.getResultCode().code & 0xff;
                if (primary == org.sqlite.SQLiteErrorCode.SQLITE_BUSY.code
                        || primary == org.sqlite.SQLiteErrorCode.SQLITE_LOCKED.code) {
                    return true;
                }
            }
            String m = c.getMessage();
            if (m != null && (m.contains("SQLITE_BUSY") || m.contains("SQLITE_LOCKED"))) {
                return true;
            }
        }
        return false;
    }

    /** A SamException for a failed statement, naming the file and the operation. */
    public SamException error(String doing, SQLException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        if (msg.contains("SQLITE_NOTADB") || msg.contains("SQLITE_CORRUPT")) {
            return corrupt(file, "is damaged or not a SQLite database", e);
        }
        if (msg.contains("SQLITE_READONLY") || msg.contains("SQLITE_CANTOPEN")) {
            return new SamException(ExitCode.FAILURE, "cannot write " + file + " to " + doing + ": " + msg,
                    "check permissions and free space of SAM_HOME", e);
        }
        return new SamException(ExitCode.FAILURE, "database " + file + ": could not " + doing + ": " + msg, null, e);
    }

    private static SamException corrupt(Path file, String what, Exception cause) {
        return new SamException(ExitCode.FAILURE, "SAM database " + file + " " + what
                + (cause != null && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : ""),
                "move the file aside (it was not changed) and run again to start a fresh database", cause);
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // nothing left to do
        }
    }

    /** Work on the connection inside a transaction. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
