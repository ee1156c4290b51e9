package dev.sam.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.SamException;
import dev.sam.core.TestHomes;
import dev.sam.core.home.SamHome;
import dev.sam.core.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registering, resolving and listing base models through ModelService. */
class BaseModelRegistryTest {
    @TempDir
    Path tmp;

    @Test
    void initTinyRegistersAddLinksOrCopiesAndNamesAreUnique() throws Exception {
        SamHome home = TestHomes.fresh(tmp);
        ModelService s = new ModelService(home);
        TinyModel.Options o = TinyModel.Options.defaults().with(null, null, 32, null);
        ModelWriteResult tiny = s.initTiny(null, null, o, ProgressListener.NONE);
        assertEquals("tiny", tiny.registeredAs());
        assertEquals(home.baseModel("tiny").toString(), tiny.path());
        SamException dup = assertThrows(SamException.class, () -> s.initTiny(null, null, o, ProgressListener.NONE));
        assertTrue(dup.getMessage().contains("already registered"), dup.getMessage());

        Path elsewhere = tmp.resolve("elsewhere");
        ModelWriteResult linked = s.initTiny(elsewhere, "other", o, ProgressListener.NONE);
        assertEquals("other", linked.registeredAs());
        assertTrue(Files.isSymbolicLink(home.baseModel("other")));

        ModelService.AddResult copied = s.add(elsewhere, "copied", true);
        assertEquals("copy", copied.mode());
        assertFalse(Files.isSymbolicLink(home.baseModel("copied")));
        assertTrue(Files.exists(home.baseModel("copied").resolve("model.safetensors")));
        assertThrows(SamException.class, () -> s.add(elsewhere, "copied", false));
        assertThrows(SamException.class, () -> s.add(elsewhere, "../evil", false));

        ModelWriteResult q = s.quantize("tiny", null, MlxQuantizer.Options.of(8, 32), "tiny-8bit", ProgressListener.NONE);
        assertEquals("8-bit g32", q.quantization());

        ModelsReport r = s.report();
        assertEquals(java.util.List.of("copied", "other", "tiny", "tiny-8bit"),
                r.baseModels().stream().map(BaseModelInfo::name).toList());
        assertTrue(r.baseModels().stream().allMatch(m -> m.problems().isEmpty()), r.toString());
        BaseModelInfo other = r.baseModels().get(1);
        assertEquals(elsewhere.toAbsolutePath().normalize().toString(), other.linkTarget());
        assertTrue(other.sizeBytes() > 0, "size follows the link");

        // a moved model shows up as a problem, it does not break the listing
        Files.move(elsewhere, tmp.resolve("moved"));
        BaseModelInfo broken = s.report().baseModels().get(1);
        assertFalse(broken.problems().isEmpty());
        assertEquals(home.baseModel("tiny"), new BaseModelRegistry(home).resolve("tiny"));
        assertThrows(SamException.class, () -> new BaseModelRegistry(home).resolve("nothing-here"));
    }
}
