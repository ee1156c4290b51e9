package dev.sam.collect.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.collect.CollectReport;
import dev.sam.collect.Harness;
import dev.sam.collect.Source;
import dev.sam.collect.TestRepo;
import dev.sam.core.io.Faults;
import dev.sam.core.model.Manifest;
import dev.sam.core.model.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash at any write point leaves whole JSONL lines and a manifest that describes the files; the next
 * run repairs what is left over and ends where a clean run would.
 */
class CrashSafetyTest {
    @TempDir
    Path tmp;

    private TestRepo repo;

    @BeforeEach
    void repository() throws Exception {
        repo = TestRepo.init(tmp.resolve("repo"));
        for (int i = 0; i < 6; i++) {
            repo.write("src/M" + i + ".java", "class M" + i + " {\n  int v() { return " + i + "; }\n}\n")
                    .commit("Add module " + i + " returning its own number");
        }
    }

    @AfterEach
    void noFaults() {
        Faults.useEnvironment(System.getenv());
    }

    @ParameterizedTest
    @ValueSource(strings = {"collect.after-journal", "collect.after-append", "collect.after-manifest",
            "collect.after-index"})
    void aFaultAtAWritePointLosesNothingCommittedAndTheNextRunCompletes(String point) throws Exception {
        try (Harness h = new Harness(tmp.resolve(point))) {
            h.collect(Source.COMMITS, List.of(repo.dir()));
            assertEquals(6, h.manifest().totalSamples());
            for (int i = 6; i < 10; i++) {
                repo.write("src/M" + i + ".java", "class M" + i + " {\n  int v() { return " + i + "; }\n}\n")
                        .commit("Add module " + i + " returning its own number");
            }
            Faults.useEnvironment(Map.of(Faults.ENV_AT, point, Faults.ENV_MODE, "throw"));
            assertThrows(Faults.InjectedFault.class, () -> h.collect(Source.COMMITS, List.of(repo.dir())));
            Faults.useEnvironment(System.getenv());

            assertConsistent(h);
            long afterCrash = h.samples(Source.COMMITS).size();
            boolean committed = point.equals("collect.after-manifest") || point.equals("collect.after-index");
            assertEquals(committed ? 10 : 6, afterCrash, "the batch is in exactly when the manifest says so");

            CollectReport again = h.collect(Source.COMMITS, List.of(repo.dir()));
            assertConsistent(h);
            List<Sample> samples = h.samples(Source.COMMITS);
            assertEquals(10, samples.size(), "ends where a clean run ends");
            assertEquals(10, samples.stream().map(Sample::id).distinct().count(), "no sample twice");
            assertEquals(committed ? 0 : 4, again.added());
            assertEquals(0, h.collect(Source.COMMITS, List.of(repo.dir())).added());
        }
    }

    @Test
    void aKilledAppendIsRolledBackFromTheJournal() throws Exception {
        try (Harness h = new Harness(tmp)) {
            h.collect(Source.COMMITS, List.of(repo.dir()));
            Path file = h.home.trainingData().resolve(Source.COMMITS.file());
            long size = Files.size(file);
            // what kill -9 in the middle of an append leaves: a journal and a torn tail
            Files.writeString(h.home.collectJournal(), "{\"commits/commit_messages.jsonl\": {\"before\": " + size
                    + ", \"after\": " + (size + 5000) + "}}");
            Files.writeString(file, "{\"id\":\"abc\",\"instruction\":\"Write the comm", StandardOpenOption.APPEND);
            Path staleTemp = h.home.trainingData().resolve(".manifest.json.8123.tmp");
            Files.writeString(staleTemp, "{\"half\": ");
            CollectReport r = h.collect(Source.COMMITS, List.of(repo.dir()));
            assertFalse(Files.exists(staleTemp), "the temp file of an interrupted atomic write is removed");
            assertEquals(size, Files.size(file));
            assertFalse(Files.exists(h.home.collectJournal()));
            assertTrue(r.warnings().stream().anyMatch(w -> w.contains("rolled back an interrupted collection")),
                    r.warnings().toString());
            assertConsistent(h);
        }
    }

    @Test
    void aJournalWhoseBatchReachedTheManifestIsJustRemoved() throws Exception {
        try (Harness h = new Harness(tmp)) {
            h.collect(Source.COMMITS, List.of(repo.dir()));
            Path file = h.home.trainingData().resolve(Source.COMMITS.file());
            long size = Files.size(file);
            Files.writeString(h.home.collectJournal(), "{\"commits/commit_messages.jsonl\": {\"before\": 0, \"after\": "
                    + size + "}}");
            h.collect(Source.COMMITS, List.of(repo.dir()));
            assertEquals(size, Files.size(file), "a committed batch is never cut");
            assertFalse(Files.exists(h.home.collectJournal()));
        }
    }

    @Test
    void theDedupIndexIsRebuiltFromTheFilesWhenSamDbIsLost() throws Exception {
        Path homeDir = tmp.resolve("h");
        try (Harness h = new Harness(homeDir)) {
            h.collect(Source.COMMITS, List.of(repo.dir()));
        }
        try (Harness h = new Harness(homeDir)) {
            h.db.inTransaction(c -> c.createStatement().executeUpdate("DELETE FROM collect_samples"));
            h.db.inTransaction(c -> c.createStatement().executeUpdate("DELETE FROM collect_files"));
            h.db.inTransaction(c -> c.createStatement().executeUpdate("DELETE FROM collect_cursors"));
            // the manifest still has the cursor; forget it too to prove the index alone prevents duplicates
            Manifest m = h.manifest();
            new dev.sam.core.store.ManifestFile(h.home.manifest()).write(new Manifest(m.sources(), m.totalSamples(),
                    m.distilledSamples(), m.preferencePairs(), Map.of(), m.updatedAt(), m.files()));
            CollectReport r = h.collect(Source.COMMITS, List.of(repo.dir()));
            assertEquals(0, r.added(), "the rebuilt index knows every stored sample");
            assertEquals(6, h.report(r, Source.COMMITS).rejects().get("duplicate"));
        }
    }

    @Test
    void filesFromOtherToolsAreAdoptedAndAnUnreadableManifestRebuilt() throws Exception {
        try (Harness h = new Harness(tmp)) {
            Path legacy = h.home.trainingData().resolve("commits/commit_messages.jsonl");
            // as the original Python pipeline wrote it: no ids, and no newline after the last line
            Files.writeString(legacy, "{\"instruction\": \"Write a commit message\", \"input\": \"diff A\", \"output\": \"Fix A\"}\n"
                    + "not json\n"
                    + "{\"instruction\": \"Write a commit message\", \"input\": \"diff B\", \"output\": \"Fix B\"}");
            Files.writeString(h.home.manifest(), "{\"sources\": {\"commits\": 2}}");
            CollectReport r = h.collect(Source.COMMITS, List.of(repo.dir()));
            String warnings = String.join("\n", r.warnings());
            assertTrue(warnings.contains("moved it to manifest.json.unreadable-"), warnings);
            assertTrue(warnings.contains("line [2]"), warnings);
            List<String> lines = Files.readAllLines(legacy, StandardCharsets.UTF_8);
            assertTrue(lines.get(2).contains("Fix B"), "the last line was kept, not cut as torn");
            assertEquals(2 + 6, h.manifest().samples("commits"));
            assertConsistent(h);
        }
    }

    /** Every file ends with a newline, and the manifest's lengths and counts are those of the files. */
    static void assertConsistent(Harness h) throws Exception {
        Manifest m = h.manifest();
        assertFalse(Files.exists(h.home.collectJournal()), "no journal left behind");
        for (Map.Entry<String, Manifest.DataFile> e : m.files().entrySet()) {
            Path f = h.home.trainingData().resolve(e.getKey());
            byte[] b = Files.readAllBytes(f);
            assertEquals(e.getValue().bytes(), b.length, "manifest length of " + e.getKey());
            assertTrue(b.length == 0 || b[b.length - 1] == '\n', "no torn last line in " + e.getKey());
            long valid = new String(b, StandardCharsets.UTF_8).lines()
                    .filter(l -> Records.text(e.getKey(), l) != null).count();
            assertEquals(e.getValue().records(), valid, "manifest record count of " + e.getKey());
        }
        long total = m.files().entrySet().stream().filter(e -> !Records.isPairFile(e.getKey()))
                .mapToLong(e -> e.getValue().records()).sum();
        assertEquals(total, m.totalSamples());
        List<String> ids = Files.readAllLines(h.home.trainingData().resolve(Source.COMMITS.file())).stream()
                .map(Records::sample).filter(java.util.Objects::nonNull).map(Sample::id)
                .filter(java.util.Objects::nonNull).toList();
        assertEquals(Set.copyOf(ids).size(), ids.size(), "no sample twice");
    }
}
