package dev.sam.train.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.TestHomes;
import dev.sam.core.home.SamHome;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sanity gate: each kind of bad input is named, and all problems are reported at once. */
class AdapterSanityTest {
    private static final List<String> QKVO = List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
            "self_attn.o_proj");
    private static final AdapterSanity.BaseChoice TINY = new AdapterSanity.BaseChoice(TestAdapters.BASE, null, null);

    @TempDir
    Path tmp;
    SamHome home;

    @BeforeEach
    void setUp() throws Exception {
        home = TestHomes.fresh(tmp);
        TestAdapters.installBase(home);
    }

    private AdapterSanity.Result check(Path p, AdapterSanity.BaseChoice c, boolean force) {
        return new AdapterSanity(home).check(p, c, force);
    }

    private static Check get(AdapterSanity.Result r, String name) {
        return r.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static boolean passed(AdapterSanity.Result r) {
        return r.checks().stream().noneMatch(c -> c.outcome() == Check.Outcome.FAILED);
    }

    /** Issue 22: .npz adapters passed sanity but no loader of SAM can read them. */
    @Test
    void npzAdaptersAreRefusedAtSanityWithTheConversion() throws Exception {
        Path d = java.nio.file.Files.createDirectories(tmp.resolve("npz"));
        java.nio.file.Files.copy(TestAdapters.fixture(tmp.resolve("a")).resolve("adapter_config.json"),
                d.resolve("adapter_config.json"));
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(
                java.nio.file.Files.newOutputStream(d.resolve("adapters.npz")))) {
            FormatReadersTest.npy(z, "model.layers.1.self_attn.q_proj.lora_a", "<f4", "(64, 4)", 64 * 4 * 4);
        }
        AdapterSanity.Result r = check(d, TINY, false);
        Check format = get(r, "format");
        assertEquals(Check.Outcome.FAILED, format.outcome(), r.checks().toString());
        assertTrue(format.problems().get(0).contains("SAM loads only adapters.safetensors")
                && format.problems().get(0).contains("safetensors.numpy import save_file"), format.problems().toString());
        assertFalse(passed(r));
    }

    @Test
    void realMlxLmAdaptersPassAgainstTheirBase() throws Exception {
        AdapterSanity.Result r = check(TestAdapters.fixture(tmp.resolve("a")), TINY, false);
        assertTrue(passed(r), r.checks().toString());
        assertEquals("16 tensors match base qwen2-tiny", get(r, "shapes").detail());
        assertTrue(get(r, "size").detail().contains("floor scaled to this base: 3584 LoRA parameters"),
                get(r, "size").detail());
    }

    @Test
    void baseModelComesFromConfigWhenNoFlag() throws Exception {
        AdapterSanity.Result r = check(TestAdapters.fixture(tmp.resolve("a")),
                new AdapterSanity.BaseChoice(null, null, TestAdapters.BASE), false);
        assertTrue(passed(r), r.checks().toString());
    }

    @Test
    void missingPath() {
        AdapterSanity.Result r = check(tmp.resolve("nope"), TINY, false);
        assertEquals(Check.Outcome.FAILED, get(r, "files").outcome());
        assertTrue(get(r, "files").problems().get(0).endsWith("nope does not exist"));
        assertEquals(Check.Outcome.NOT_RUN, get(r, "shapes").outcome());
    }

    @Test
    void adapterFilesAbsent() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("empty"));
        AdapterSanity.Result r = check(d, TINY, false);
        String p = String.join("\n", get(r, "files").problems());
        assertTrue(p.contains("no adapters.safetensors or adapters.npz in"), p);
        assertTrue(p.contains("no adapter_config.json in"), p);
    }

    @Test
    void wrongExtensionIsNamed() throws Exception {
        Path d = TestAdapters.fixture(tmp.resolve("a"));
        Files.move(d.resolve("adapters.safetensors"), d.resolve("adapters.bin"));
        AdapterSanity.Result r = check(d, TINY, false);
        assertTrue(get(r, "files").problems().get(0).contains("found adapters.bin: wrong extension"),
                get(r, "files").problems().toString());
        Path f = Files.writeString(tmp.resolve("model.gguf"), "x");
        r = check(f, TINY, false);
        assertTrue(get(r, "files").problems().get(0).contains("wrong name or extension"));
    }

    @Test
    void tooSmallForItsConfig() throws Exception {
        Path d = TestAdapters.fixture(tmp.resolve("a"));
        Files.write(d.resolve("adapters.safetensors"), new byte[100]);
        AdapterSanity.Result r = check(d, TINY, false);
        assertEquals(Check.Outcome.FAILED, get(r, "size").outcome());
        assertTrue(get(r, "size").problems().get(0).contains("too small: 100 bytes, allowed 7168"),
                get(r, "size").problems().toString());
        assertEquals(Check.Outcome.FAILED, get(r, "format").outcome(), "and the header is reported too");
    }

    @Test
    void tooLarge() throws Exception {
        Path d = TestAdapters.fixture(tmp.resolve("a"));
        try (RandomAccessFile f = new RandomAccessFile(d.resolve("adapters.safetensors").toFile(), "rw")) {
            f.setLength(SizeRule.MAX + 1);   // sparse: no disk used
        }
        AdapterSanity.Result r = check(d, TINY, false);
        assertTrue(get(r, "size").problems().get(0).contains("too large"), get(r, "size").problems().toString());
    }

    @Test
    void adapterForAnotherBaseReportsEveryMismatchAtOnce() throws Exception {
        TestAdapters.writeBase(home, "wider", 128, 4, 2, 3, 160);
        AdapterSanity.Result r = check(TestAdapters.fixture(tmp.resolve("a")),
                new AdapterSanity.BaseChoice("wider", null, null), false);
        Check s = get(r, "shapes");
        assertEquals(Check.Outcome.FAILED, s.outcome());
        assertEquals(16, s.problems().size(), s.problems().stream().collect(Collectors.joining("\n")));
        assertTrue(s.problems().contains("model.layers.1.self_attn.k_proj.lora_a has shape [64, 4], base model wider "
                + "with rank 4 needs [128, 4]"), s.problems().toString());
    }

    @Test
    void layersAndKeysBeyondTheBaseAreNamed() throws Exception {
        Path d = TestAdapters.write(tmp.resolve("b"), 64, 4, 2, 160, 5, 5, 4, List.of("self_attn.q_proj"));
        AdapterSanity.Result r = check(d, TINY, false);
        List<String> p = get(r, "shapes").problems();
        assertTrue(p.contains("num_layers 5 exceeds the 3 layers of base model qwen2-tiny"), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("unexpected model.layers.4.self_attn.q_proj.lora_a")), p.toString());

        Path e = TestAdapters.write(tmp.resolve("c"), 64, 4, 2, 160, 3, 2, 4, List.of("self_attn.q_proj", "mlp.up_proj"));
        TestAdapters.writeConfig(e, 2, 4, List.of("self_attn.q_proj", "self_attn.rotary"));
        p = get(check(e, TINY, false), "shapes").problems();
        assertTrue(p.stream().anyMatch(x -> x.startsWith("key \"self_attn.rotary\" is not a linear layer")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.contains("\"mlp.up_proj\" is not in lora_parameters.keys")), p.toString());
    }

    @Test
    void badAdapterConfigListsEveryProblem() throws Exception {
        Path d = TestAdapters.fixture(tmp.resolve("a"));
        Files.writeString(d.resolve("adapter_config.json"),
                "{\"fine_tune_type\":\"dora\",\"num_layers\":\"two\",\"lora_parameters\":{\"rank\":0,\"scale\":2.0}}");
        Check c = get(check(d, TINY, false), "config");
        assertEquals(Check.Outcome.FAILED, c.outcome());
        String all = String.join("\n", c.problems());
        for (String want : List.of("fine_tune_type is \"dora\"", "num_layers must be an integer",
                "lora_parameters.rank must be > 0", "lora_parameters.dropout is missing")) {
            assertTrue(all.contains(want), want + " in\n" + all);
        }
    }

    @Test
    void keysAbsentAreTakenFromTheTensors() throws Exception {
        Path d = TestAdapters.fixture(tmp.resolve("a"));
        Files.writeString(d.resolve("adapter_config.json"), "{\"fine_tune_type\":\"lora\",\"num_layers\":2,"
                + "\"lora_parameters\":{\"rank\":4,\"scale\":2.0,\"dropout\":0.0}}");
        AdapterSanity.Result r = check(d, TINY, false);
        assertTrue(passed(r), r.checks().toString());
        assertTrue(r.notes().get(0).contains("taken from the tensor names"));
        assertEquals(QKVO.stream().sorted().toList(), r.config().keys());
    }

    @Test
    void unknownBaseFailsUnlessForced() throws Exception {
        Path d = TestAdapters.fixture(tmp.resolve("a"));
        AdapterSanity.Result r = check(d, new AdapterSanity.BaseChoice(null, null, null), false);
        assertEquals(Check.Outcome.FAILED, get(r, "base model").outcome());
        assertTrue(get(r, "base model").problems().get(0).contains("pass --base NAME"));
        r = check(d, new AdapterSanity.BaseChoice("Qwen/absent", null, null), true);
        assertEquals(Check.Outcome.WAIVED, get(r, "base model").outcome());
        assertTrue(get(r, "base model").problems().get(0).contains("models/base/absent"), r.checks().toString());
        assertEquals(Check.Outcome.NOT_RUN, get(r, "shapes").outcome());
        assertEquals(Check.Outcome.FAILED, get(r, "size").outcome(), "without a base the original 1 MB floor applies");
        assertNull(r.base());
    }

    @Test
    void hubIdResolvesToItsLastSegment() throws Exception {
        Files.createDirectories(home.baseModel("Qwen2.5-tiny"));
        Files.copy(home.baseModel(TestAdapters.BASE).resolve("config.json"),
                home.baseModel("Qwen2.5-tiny").resolve("config.json"));
        AdapterSanity.Result r = check(TestAdapters.fixture(tmp.resolve("a")),
                new AdapterSanity.BaseChoice("mlx-community/Qwen2.5-tiny", null, null), false);
        assertTrue(passed(r), r.checks().toString());
    }
}
