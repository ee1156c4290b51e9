package dev.sam.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sam.core.SamException;
import dev.sam.core.TestHomes;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.model.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog answers who is active, who is the canary at what share, and where adapters and base are. */
class VersionCatalogTest {
    @TempDir
    Path tmp;

    @Test
    void answersFromVersionsJsonInTheOriginalLayout() throws Exception {
        SamHome home = TestHomes.fresh(tmp);
        Files.writeString(home.versionsJson(), """
                [{"version":"v1.0.0","status":"active","base_model":"tiny","adapter_path":"/elsewhere/adapters",
                  "training_samples":3,"metrics":{"val_loss":1.5}},
                 {"version":"v1.0.1","status":"canary","training_samples":3,
                  "metrics":{"val_loss":1.2,"canary_traffic":30}}]
                """);
        Files.writeString(home.currentTxt(), "v1.0.0\n");
        VersionCatalog c = VersionCatalog.read(home);
        assertEquals("v1.0.0", c.active().orElseThrow().version());
        ModelVersion canary = c.canary().orElseThrow();
        assertEquals(30, canary.canaryTraffic());
        assertEquals(30, c.canaryShare());
        assertFalse(canary.metrics().containsKey(ModelVersion.CANARY_TRAFFIC_KEY), "a typed field, not a metric");
        assertEquals(30, Json.tree(canary).at("/metrics/canary_traffic").asInt(), "written where the old tools read it");
        assertNull(c.active().orElseThrow().canaryTraffic());

        assertEquals(Path.of("/elsewhere/adapters"), c.adapters(c.require("active")));
        Path installed = home.versionDir("v1.0.1").resolve("adapters");
        assertEquals(installed, c.adapters(c.require("v1.0.1")));
        assertEquals("tiny", c.baseModel(c.require("v1.0.0")));
        assertNull(c.baseModel(canary));
        Files.createDirectories(installed);
        Files.writeString(installed.resolve("adapter_config.json"), "{\"model\":\"org/base-1b\"}");
        assertEquals("org/base-1b", c.baseModel(canary), "mlx-lm's adapter_config.json names it");

        assertEquals("no version v9.9.9 in " + home.versionsJson(),
                assertThrows(SamException.class, () -> c.require("v9.9.9")).getMessage());
        assertThrows(SamException.class, () -> c.require("latest"));
        assertEquals(0, new VersionCatalog(home, java.util.List.of()).canaryShare());
    }
}
