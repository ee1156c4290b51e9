package dev.sam.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.SamException;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.RunStatus;
import dev.sam.core.model.TrainingRun;
import dev.sam.core.model.VersionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path dir;

    @Test
    void migratesAnEmptyFileAndReopensWithoutReapplying() {
        Path f = dir.resolve("sam.db");
        try (Database db = Database.open(f)) {
            assertEquals(CoreSchema.MIGRATIONS.size(), db.schemaVersion(CoreSchema.MODULE));
            new RunRepository(db).save(TrainingRun.pending("20260101_000000", "2026-01-01T00:00:00", 5, "tiny", "8gb",
                    "/o"));
        }
        try (Database db = Database.open(f)) {
            assertEquals(CoreSchema.MIGRATIONS.size(), db.schemaVersion(CoreSchema.MODULE));
            assertEquals(RunStatus.PENDING, new RunRepository(db).find("20260101_000000").orElseThrow().status());
        }
    }

    @Test
    void moduleMigrationsAreVersionedIndependently() {
        try (Database db = Database.open(dir.resolve("sam.db"))) {
            List<Migration> mine = List.of(new Migration("test", 1, "t", List.of("CREATE TABLE t(x INTEGER)")),
                    new Migration("test", 2, "t2", List.of("ALTER TABLE t ADD COLUMN y TEXT")));
            db.migrate(mine);
            db.migrate(mine);
            assertEquals(2, db.schemaVersion("test"));
            assertEquals(CoreSchema.MIGRATIONS.size(), db.schemaVersion(CoreSchema.MODULE));
        }
    }

    @Test
    void repositoriesRoundTrip() {
        try (Database db = Database.open(dir.resolve("sam.db"))) {
            RunRepository runs = new RunRepository(db);
            TrainingRun r = TrainingRun.pending("20260101_000001", "t", 5, "tiny", "8gb", "/o")
                    .withStatus(RunStatus.TRAINING, null, null).withMetrics(Map.of("train_loss", 1.5));
            runs.save(r);
            runs.save(TrainingRun.pending("20260101_000000", "t", 5, "tiny", "8gb", "/o"));
            assertEquals(r, runs.latest().orElseThrow());
            assertEquals(2, runs.list().size());

            VersionRepository versions = new VersionRepository(db);
            ModelVersion v = new ModelVersion("v1.0.0", "2026-01-01T00:00:00", "2026-01-01T00:00:01",
                    VersionStatus.ACTIVE, "tiny", "/a", "20260101_000001", 5, Map.of("val_loss", 1.0), "abc", "d");
            versions.save(v);
            assertEquals(v, versions.find("v1.0.0").orElseThrow());

            EventRepository events = new EventRepository(db);
            events.record("deploy", "v1.0.0", null, "deployed", Map.of("k", 1));
            assertEquals(1, events.count("deploy"));
            assertEquals("deployed", events.recent(null, 10).get(0).message());

            CursorRepository cursors = new CursorRepository(db);
            cursors.put("commits", "/repo", "abc");
            cursors.put("commits", "/repo", "def");
            assertEquals("def", cursors.get("commits", "/repo").orElseThrow());
            assertEquals(Map.of("commits", Map.of("/repo", "def")), cursors.all());
        }
    }

    @Test
    void aFileThatIsNotADatabaseIsReportedAndLeftUnchanged() throws Exception {
        Path f = dir.resolve("sam.db");
        byte[] junk = "this is not a database, but somebody's notes\n".repeat(200).getBytes();
        Files.write(f, junk);
        SamException e = assertThrows(SamException.class, () -> Database.open(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.hint().contains("move the file aside"), e.hint());
        assertArrayEquals(junk, Files.readAllBytes(f));
    }

    @Test
    void corruptVersionsJsonIsReportedNotOverwritten() throws Exception {
        Path vj = dir.resolve("versions.json");
        Files.writeString(vj, "[{\"version\": \"v1.0.0\",");
        VersionsFile vf = new VersionsFile(vj, dir.resolve("current.txt"));
        SamException e = assertThrows(SamException.class, vf::read);
        assertTrue(e.getMessage().contains("versions.json"), e.getMessage());
        assertEquals("[{\"version\": \"v1.0.0\",", Files.readString(vj));
        assertTrue(vf.current().isEmpty());
    }

    /**
     * Several processes opening one new database at once (two `sam` commands on a fresh home; here
     * connections on threads, which SQLite locks alike): every migration is applied once, none fails with
     * "table already exists".
     */
    @Test
    void concurrentOpensOfANewDatabaseMigrateOnce() throws Exception {
        for (int round = 0; round < 10; round++) {
            Path file = dir.resolve("race-" + round + ".db");
            int n = 4;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
            try {
                List<java.util.concurrent.Future<Integer>> opened = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) {
                    opened.add(pool.submit(() -> {
                        start.await();
                        try (Database db = Database.open(file)) {
                            return db.schemaVersion("core");
                        }
                    }));
                }
                for (java.util.concurrent.Future<Integer> f : opened) {
                    assertTrue(f.get() > 0, "migrated");
                }
            } finally {
                pool.shutdownNow();
            }
            try (Database db = Database.open(file);
                 java.sql.Statement st = db.connection().createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations"
                         + " WHERE module = 'core'")) {
                rs.next();
                assertEquals(rs.getInt(2), rs.getInt(1), "each migration recorded once");
            }
        }
    }
}
