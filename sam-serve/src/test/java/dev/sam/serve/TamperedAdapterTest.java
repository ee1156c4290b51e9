package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.SamException;
import dev.sam.core.store.VersionCatalog;
import dev.sam.train.infer.EngineSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22 item 5: an active version whose adapter files changed after deploy (one byte appended to the
 * safetensors file) is neither loaded by {@code sam generate} (EngineSource, which generate, fuse and export
 * use) nor served by {@code sam serve}; both say how to find the changed file and how to roll back.
 */
class TamperedAdapterTest {
    @TempDir
    Path tmp;
    ServeFixture f;
    String version;

    @BeforeEach
    void setUp() throws Exception {
        f = new ServeFixture(tmp);
        version = f.deploy();
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private void tamper() throws Exception {
        VersionCatalog c = VersionCatalog.read(f.home);
        Path st = c.adapters(c.require(version)).resolve("adapters.safetensors");
        Files.write(st, new byte[] {0}, StandardOpenOption.APPEND);
    }

    @Test
    void intactAdaptersLoad() {
        EngineSource s = EngineSource.ofRunOrVersion(f.home, f.config, "active");
        assertTrue(s.label().contains(version), s.label());
    }

    @Test
    void generateRefusesChangedAdapters() throws Exception {
        tamper();
        SamException e = assertThrows(SamException.class,
                () -> EngineSource.ofRunOrVersion(f.home, f.config, "active"));
        assertTrue(e.getMessage().contains(version) && e.getMessage().contains("not the ones deployed"), e.getMessage());
        assertTrue(e.hint().contains("sam verify") && e.hint().contains("sam rollback"), e.hint());
    }

    @Test
    void serveRefusesChangedAdapters() throws Exception {
        tamper();
        Api api = f.start(new EchoBackend());
        assertTrue(f.server.info().warnings().stream().anyMatch(w -> w.contains("not the ones deployed")),
                f.server.info().warnings().toString());
        Api.Resp r = api.chat("hello", false);
        assertEquals(500, r.status(), r.body());
        assertTrue(r.body().contains("not the ones deployed") && r.body().contains("sam rollback"), r.body());
        assertEquals(version, r.header("X-SAM-Version"), "the failure counts against the tampered version");
    }
}
