package dev.sam.collect.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.collect.Harness;
import dev.sam.collect.Source;
import dev.sam.collect.TestRepo;
import dev.sam.collect.git.CommitTargets;
import dev.sam.core.io.Faults;
import dev.sam.core.json.Json;
import dev.sam.core.model.Manifest;
import dev.sam.core.model.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A home collected before targets were cleaned is migrated once: its commit targets lose their PR refs
 * and trailers (kept in meta), release-tool samples are dropped and counted, nothing is duplicated, and
 * a kill at any step of the migration loses nothing — the next run ends where an uninterrupted one does.
 */
class TargetMigrationTest {
    @TempDir
    Path tmp;

    private TestRepo repo;
    private final List<String> clean = new ArrayList<>();

    @BeforeEach
    void repository() throws Exception {
        repo = TestRepo.init(tmp.resolve("repo"));
        for (int i = 0; i < 6; i++) {
            String subject = "Add module " + i + " returning its own number";
            clean.add(subject);
            repo.write("src/M" + i + ".java", "class M" + i + " {\n  int v() { return " + i + "; }\n}\n").commit(subject);
        }
    }

    @AfterEach
    void noFaults() {
        Faults.useEnvironment(System.getenv());
    }

    @Test
    void anOldHomeIsReCleanedOnceWithoutDuplicates() throws Exception {
        try (Harness h = new Harness(tmp.resolve("h"))) {
            makeOld(h);
            assertEquals(0, h.collect(Source.COMMITS, List.of(repo.dir())).added());
            assertMigrated(h);
            Path file = h.home.trainingData().resolve(Source.COMMITS.file());
            byte[] before = Files.readAllBytes(file);
            assertEquals(0, h.collect(Source.COMMITS, List.of(repo.dir())).added(), "a second collect adds nothing");
            assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(file), "and rewrites nothing");
            assertEquals(1L, h.manifest().sources().get("commits").rejects().get("release_tool"), "counted once");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"collect.migration-staged", "collect.migration-after-journal",
            "collect.migration-after-rename", "collect.migration-after-manifest"})
    void aKillAtAnyStepOfTheMigrationLosesNothing(String point) throws Exception {
        try (Harness h = new Harness(tmp.resolve(point))) {
            makeOld(h);
            Faults.useEnvironment(Map.of(Faults.ENV_AT, point, Faults.ENV_MODE, "throw"));
            assertThrows(Faults.InjectedFault.class, () -> h.collect(Source.COMMITS, List.of(repo.dir())));
            Faults.useEnvironment(System.getenv());
            assertEquals(0, h.collect(Source.COMMITS, List.of(repo.dir())).added());
            assertMigrated(h);
            assertEquals(1L, h.manifest().sources().get("commits").rejects().get("release_tool"), "counted once");
            assertEquals(0, h.collect(Source.COMMITS, List.of(repo.dir())).added());
        }
    }

    /** A home as SAM wrote it before: PR suffixes and sign-offs in targets, a release-plugin sample, no migration. */
    private void makeOld(Harness h) throws Exception {
        h.collect(Source.COMMITS, List.of(repo.dir()));
        Path file = h.home.trainingData().resolve(Source.COMMITS.file());
        List<String> lines = new ArrayList<>();
        int n = 0;
        for (String l : Files.readAllLines(file)) {
            ObjectNode o = (ObjectNode) Json.mapper().readTree(l);
            o.put("output", o.get("output").asText() + " (#" + (100 + n++) + ")\n\nSigned-off-by: Dev <dev@example.com>");
            ((ObjectNode) o.get("meta")).remove("template");
            lines.add(Json.write(o));
        }
        ObjectNode release = (ObjectNode) Json.mapper().readTree(lines.get(0));
        release.put("output", "[maven-release-plugin] prepare release app-1.0");
        release.put("id", "0123456789abcdef");
        lines.add(Json.write(release));
        Files.writeString(file, String.join("\n", lines) + "\n");
        Manifest m = h.manifest();
        Map<String, Manifest.DataFile> files = new LinkedHashMap<>(m.files());
        files.put(Source.COMMITS.file(), new Manifest.DataFile(Files.size(file), lines.size()));
        new dev.sam.core.store.ManifestFile(h.home.manifest()).write(Manifests.recount(
                new Manifest(m.sources(), 0, 0, 0, m.cursors(), m.updatedAt(), files), files, null));
        h.db.inTransaction(c -> c.createStatement().executeUpdate("DELETE FROM collect_files"));
        assertFalse(h.manifest().migrations().containsKey(CommitTargets.MIGRATION));
        assertEquals(7, h.manifest().totalSamples());
    }

    private void assertMigrated(Harness h) throws Exception {
        CrashSafetyTest.assertConsistent(h);
        Manifest m = h.manifest();
        assertTrue(m.migrations().containsKey(CommitTargets.MIGRATION), m.migrations().toString());
        List<Sample> samples = h.samples(Source.COMMITS);
        assertEquals(clean, samples.stream().map(Sample::output).toList(), "targets cleaned, release sample gone");
        for (Sample s : samples) {
            assertEquals(List.of("Signed-off-by: Dev <dev@example.com>"), s.meta().get("removed_trailers"));
            assertTrue(s.meta().get("removed_refs").toString().matches("\\[\\(#1\\d\\d\\)]"), s.meta().toString());
        }
        assertFalse(Files.exists(h.home.dataMigrationJournal()));
        assertFalse(Files.exists(h.home.dataMigrationStaging()));
        assertEquals(6, m.totalSamples());
    }
}
