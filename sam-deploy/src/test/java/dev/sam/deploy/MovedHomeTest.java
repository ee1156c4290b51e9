package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.Database;
import dev.sam.core.store.VersionCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 22: versions.json stored absolute adapter paths, so a copied or moved home read the old home's
 * adapters. It now records them relative to versions/, and reads old absolute ones compatibly.
 */
class MovedHomeTest extends WithDeployFixture {

    @Test
    void versionsJsonRecordsPathsRelativeToItsDirectory() throws Exception {
        f.deploy();
        JsonNode v = Json.mapper().readTree(f.home.versionsJson().toFile()).get(0);
        assertEquals("v1.0.0/adapters", v.get("adapter_path").asText());
        assertEquals(f.home.versionDir("v1.0.0").resolve("adapters"),
                VersionCatalog.read(f.home).adapters(f.version("v1.0.0")));
    }

    @Test
    void aCopiedHomeReadsItsOwnAdaptersAlsoFromAnOldFileWithAbsolutePaths() throws Exception {
        f.deploy();
        f.deploy();
        // the old format: absolute paths into this (the original) home
        ArrayNodeEdit.absolutize(f.home);
        Path copy = tmp.resolve("copied-home");
        copyTree(f.home.root(), copy);
        SamHome moved = SamHome.of(copy);
        VersionCatalog c = VersionCatalog.read(moved);
        for (ModelVersion mv : c.versions()) {
            assertTrue(c.adapters(mv).startsWith(copy), mv.version() + " -> " + c.adapters(mv));
        }
        // and the copy is a consistent store of its own (checksums, symlink, mirror)
        try (Database db = Database.open(moved.database())) {
            DeployContext ctx = new DeployContext(moved, db, f.ctx.config(), f.ctx.clock(), null);
            VerifyReport r = new StoreVerifier(ctx).verify(false);
            assertTrue(r.findings().stream().noneMatch(x -> x.message().contains("checksum")), r.toString());
            assertEquals(2, r.versionsVerified(), r.toString());
        }
        // a path that is not in a version directory (adapters deployed from elsewhere by hand) is kept as is
        ModelVersion odd = new ModelVersion("v9.0.0", null, null, dev.sam.core.model.VersionStatus.RETIRED, null,
                "/elsewhere/adapters", null, 0, null, null, null);
        assertEquals(Path.of("/elsewhere/adapters"), VersionCatalog.adaptersOf(moved, odd));
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(t, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    /** Rewrites versions.json as SAM before this change wrote it: absolute adapter paths. */
    static final class ArrayNodeEdit {
        static void absolutize(SamHome home) throws Exception {
            JsonNode all = Json.mapper().readTree(home.versionsJson().toFile());
            for (JsonNode v : all) {
                ((ObjectNode) v).put("adapter_path", home.versionsDir().resolve(v.get("adapter_path").asText())
                        .toString());
            }
            Files.writeString(home.versionsJson(), Json.mapper().writeValueAsString(all));
        }
    }
}
