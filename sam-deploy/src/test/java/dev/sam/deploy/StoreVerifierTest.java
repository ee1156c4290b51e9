package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.VersionStatus;
import dev.sam.core.store.EventRepository;
import dev.sam.train.adapters.TestAdapters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** `sam verify [--repair]`: finds each kind of disagreement, repairs it from the trustworthy source. */
class StoreVerifierTest extends WithDeployFixture {
    private static String text(VerifyReport r) {
        return r.findings().stream().map(x -> x.message() + (x.action() == null ? "" : " => " + x.action()))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void aHealthyStoreHasNoFindings() throws Exception {
        f.deploy();
        f.deploy();
        VerifyReport r = new StoreVerifier(f.ctx).verify(false);
        assertTrue(r.consistent(), text(r));
        assertEquals(List.of(), r.findings());
        assertEquals(2, r.versionsVerified());
        assertEquals("v1.0.1", r.active());
    }

    @Test
    void derivedPointersLeftoversAndOrphansAreRepaired() throws Exception {
        f.deploy();
        f.deploy();
        Files.writeString(f.home.currentTxt(), "v1.0.0\n");
        Files.delete(f.home.activeAdapters());
        Files.createDirectories(f.home.versionsDir().resolve(".tmp-v1.0.2-abcd/adapters"));
        Files.createDirectories(f.home.versionDir("v1.0.7").resolve("adapters"));
        Files.writeString(f.home.versionDir("v1.0.7").resolve("checksums.json"), "{}");
        Files.createDirectories(f.home.versionDir("v0.0.1"));   // not SAM's: left alone
        new dev.sam.core.store.VersionRepository(f.db).replaceAll(List.of(f.version("v1.0.0")));

        VerifyReport check = new StoreVerifier(f.ctx).verify(false);
        assertFalse(check.consistent());
        String t = text(check);
        for (String want : List.of("current.txt names v1.0.0, versions.json has v1.0.1 active", "points to nothing",
                "sam.db's versions table differs", ".tmp-v1.0.2-abcd is left over", "v1.0.7 is a complete copy that "
                        + "was never recorded", "v0.0.1 is not recorded in versions.json and was not made by SAM")) {
            assertTrue(t.contains(want), want + " in\n" + t);
        }
        assertTrue(Files.exists(f.home.versionsDir().resolve(".tmp-v1.0.2-abcd")), "verify alone changes nothing");

        VerifyReport fix = new StoreVerifier(f.ctx).verify(true);
        assertTrue(fix.consistent(), text(fix));
        Files.delete(f.home.versionDir("v0.0.1"));
        f.assertConsistent();
        assertEquals("v1.0.1", f.state().active().orElseThrow().version());
        assertEquals(1, new EventRepository(f.db).count("repair"));
        assertTrue(new StoreVerifier(f.ctx).verify(false).findings().isEmpty());
    }

    @Test
    void corruptVersionsJsonIsMovedAsideAndRebuiltFromTheDatabase() throws Exception {
        f.deploy();
        f.deploy();
        byte[] junk = "{ not json".getBytes();
        Files.write(f.home.versionsJson(), junk);
        VerifyReport check = new StoreVerifier(f.ctx).verify(false);
        assertFalse(check.consistent());
        assertTrue(text(check).contains("is not a valid JSON list of versions"), text(check));
        assertTrue(java.util.Arrays.equals(junk, Files.readAllBytes(f.home.versionsJson())));

        VerifyReport fix = new StoreVerifier(f.ctx).verify(true);
        assertTrue(fix.consistent(), text(fix));
        assertEquals(List.of("v1.0.0", "v1.0.1"), f.state().names());
        assertEquals(VersionStatus.ACTIVE, f.version("v1.0.1").status());
        try (Stream<Path> s = Files.list(f.home.versionsDir())) {
            Path aside = s.filter(p -> p.getFileName().toString().startsWith("versions.json.corrupt-")).findFirst()
                    .orElseThrow();
            assertTrue(java.util.Arrays.equals(junk, Files.readAllBytes(aside)), "the corrupt file is kept");
        }
        f.assertConsistent();
    }

    @Test
    void rebuildAdoptsSamDirectoriesTheDatabaseLacks() throws Exception {
        f.deploy();
        f.deploy();
        new dev.sam.core.store.VersionRepository(f.db).replaceAll(List.of());
        Files.writeString(f.home.versionsJson(), "garbage");
        VerifyReport fix = new StoreVerifier(f.ctx).verify(true);
        assertTrue(fix.consistent(), text(fix));
        assertEquals(List.of("v1.0.0", "v1.0.1"), f.state().names());
        assertEquals("v1.0.1", f.state().active().orElseThrow().version(), "current.txt named the active one");
        f.assertConsistent();
    }

    @Test
    void aDamagedVersionIsReportedNotRepaired() throws Exception {
        f.deploy();
        f.deploy();
        Files.writeString(f.home.versionDir("v1.0.0").resolve("adapters/adapter_config.json"), "{}");
        VerifyReport r = new StoreVerifier(f.ctx).verify(true);
        assertFalse(r.consistent());
        assertTrue(text(r).contains("v1.0.0 (retired): adapters/adapter_config.json differs"), text(r));
        assertEquals(1, r.versionsVerified());
    }

    @Test
    void twoActiveVersionsAreResolvedInFavourOfCurrentTxt() throws Exception {
        f.deploy();
        f.deploy();
        var s = f.state();
        var hacked = s.with(new dev.sam.core.model.ModelVersion("v1.0.0", f.version("v1.0.0").createdAt(),
                "2030-01-01T00:00:00", VersionStatus.ACTIVE, TestAdapters.BASE, f.version("v1.0.0").adapterPath(), null,
                0, java.util.Map.of(), f.version("v1.0.0").checksum(), "x"));
        new dev.sam.core.store.VersionsFile(f.home).write(hacked.versions());
        VerifyReport r = new StoreVerifier(f.ctx).verify(true);
        assertTrue(text(r).contains("2 versions are marked active => kept v1.0.1 active"), text(r));
        assertTrue(r.consistent(), text(r));
        f.assertConsistent();
    }
}
