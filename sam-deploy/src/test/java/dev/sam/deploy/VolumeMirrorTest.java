package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.home.SamHome;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.VersionsFile;
import dev.sam.deploy.store.ActiveLink;
import dev.sam.deploy.store.VolumeMirror;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 22: the external model volume and the local fallback were unrelated stores (numbering restarted,
 * the active symlink pointed into the other store after a mount change). The local store now mirrors the
 * volume: one history, one numbering, and {@code sam verify} green after unmount and remount.
 */
class VolumeMirrorTest extends WithDeployFixture {

    private DeployContext ctx(SamHome h) {
        return new DeployContext(h, f.db, f.ctx.config(), f.ctx.clock(), null);
    }

    private SamHome home(Path volume) {
        return SamHome.of(f.home.root()).withModels(volume.toString(), Map.of());
    }

    private String deploy(SamHome h) throws Exception {
        return new Deployer(ctx(h)).deploy(DeployRequest.ofPath(f.adapters()), ProgressListener.NONE).version().version();
    }

    private void assertGreen(SamHome h) {
        VerifyReport r = new StoreVerifier(ctx(h)).verify(false);
        assertTrue(r.consistent(), r.toString());
        assertEquals(r.versions(), r.versionsVerified(), r.toString());
    }

    @Test
    void oneStoreAcrossUnmountAndRemount() throws Exception {
        Path volume = Files.createDirectories(tmp.resolve("volume"));
        SamHome mounted = home(volume).ensureLayout();
        assertTrue(mounted.models().external());
        assertEquals("v1.0.0", deploy(mounted));
        assertEquals("v1.0.1", deploy(mounted));
        SamHome local = mounted.local();
        assertArrayEquals(Files.readAllBytes(mounted.versionsJson()), Files.readAllBytes(local.versionsJson()),
                "the local store mirrors the volume's history");
        assertTrue(Files.isDirectory(local.versionDir("v1.0.0").resolve("adapters")));
        assertTrue(new ActiveLink(mounted).pointsTo(local.versionDir("v1.0.1").resolve("adapters")),
                "the symlink points at the local copy, valid without the volume");
        assertTrue(VolumeMirror.inSync(mounted));
        assertGreen(mounted);

        // unmount: the fallback is the same store, numbering goes on
        Path away = tmp.resolve("volume-away");
        Files.move(volume, away);
        SamHome fallback = home(volume).ensureLayout();
        assertFalse(fallback.models().external());
        assertTrue(fallback.models().warning().contains("not mounted"));
        assertGreen(fallback);
        assertEquals("v1.0.2", deploy(fallback), "one numbering, not a restart at v1.0.0");
        assertGreen(fallback);

        // remount: what was deployed meanwhile goes to the volume
        Files.move(away, volume);
        SamHome back = home(volume);
        assertFalse(VolumeMirror.inSync(back));
        List<String> notes = VolumeMirror.syncIfNeeded(back);
        assertTrue(notes.get(0).contains("is back"), notes.toString());
        assertEquals(List.of("v1.0.0", "v1.0.1", "v1.0.2"),
                new VersionsFile(back).read().stream().map(ModelVersion::version).toList());
        assertEquals("v1.0.2", new VersionsFile(back).current().orElseThrow());
        assertTrue(Files.isDirectory(back.versionDir("v1.0.2").resolve("adapters")));
        assertGreen(back);
        assertEquals("v1.0.3", deploy(back));
        assertEquals("v1.0.2", new Rollback(ctx(back)).toPrevious(null).to());
        assertGreen(back);
        assertTrue(VolumeMirror.inSync(back));
    }

    @Test
    void verifyRepairsAMirrorThatFellBehind() throws Exception {
        Path volume = Files.createDirectories(tmp.resolve("volume"));
        SamHome mounted = home(volume).ensureLayout();
        deploy(mounted);
        // a mirror lost (or never made: a home from before the mirror existed)
        dev.sam.deploy.store.VersionStore.deleteQuietly(mounted.local().versionsDir());
        VerifyReport r = new StoreVerifier(ctx(mounted)).verify(false);
        assertFalse(r.consistent(), r.toString());
        VerifyReport repaired = new StoreVerifier(ctx(mounted)).verify(true);
        assertTrue(repaired.consistent(), repaired.toString());
        assertGreen(mounted);
    }
}
