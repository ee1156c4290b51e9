package dev.sam.deploy.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.TestHomes;
import dev.sam.core.home.SamHome;
import dev.sam.train.adapters.AdapterProbe;
import dev.sam.train.adapters.AdapterSanity;
import dev.sam.train.adapters.Check;
import dev.sam.train.adapters.TestAdapters;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generation check: run only with an engine, judged by the 5% repetition rule, never faked. */
class AdapterValidatorTest {
    private static final AdapterSanity.BaseChoice TINY = new AdapterSanity.BaseChoice(TestAdapters.BASE, null, null);

    @TempDir
    Path tmp;
    SamHome home;
    Path adapters;

    @BeforeEach
    void setUp() throws Exception {
        home = TestHomes.fresh(tmp);
        TestAdapters.installBase(home);
        adapters = TestAdapters.fixture(tmp.resolve("a"));
    }

    private static Check generation(ValidationReport r) {
        return r.checks().stream().filter(c -> c.name().equals("generation")).findFirst().orElseThrow();
    }

    @Test
    void withoutAnEngineTheReportSaysNotRun() {
        ValidationReport r = new AdapterValidator(home, null).validate(adapters, TINY, false).report();
        assertEquals("generation check: not run (no inference engine available)", generation(r).line());
        assertTrue(r.passed());
    }

    @Test
    void engineGetsBaseAndAdapterDirsAndPasses() {
        AtomicReference<Path> seenBase = new AtomicReference<>();
        AdapterProbe probe = (base, dir) -> {
            seenBase.set(base);
            assertEquals(adapters.toAbsolutePath().normalize(), dir);
            return new AdapterProbe.ProbeResult(List.of("def add(a, b):\n    return a + b"), 0.01);
        };
        ValidationReport r = new AdapterValidator(home, probe).validate(adapters, TINY, false).report();
        assertEquals(Check.Outcome.PASSED, generation(r).outcome(), r.checks().toString());
        assertEquals(home.baseModel(TestAdapters.BASE), seenBase.get());
        assertEquals(1, r.samples().size());
    }

    @Test
    void repetitiveOutputFails() {
        AdapterProbe probe = (base, dir) -> new AdapterProbe.ProbeResult(List.of("the the the the"), 0.05);
        ValidationReport r = new AdapterValidator(home, probe).validate(adapters, TINY, false).report();
        assertFalse(r.passed());
        assertTrue(r.failures().get(0).contains("repetition rate 5.0% is not below 5%"), r.failures().toString());
    }

    @Test
    void engineFailureIsAFailedCheckWithItsMessage() {
        AdapterProbe probe = (base, dir) -> {
            throw new IllegalStateException("lora_a shape mismatch in layer 2");
        };
        ValidationReport r = new AdapterValidator(home, probe).validate(adapters, TINY, false).report();
        assertEquals(Check.Outcome.FAILED, generation(r).outcome());
        assertTrue(r.failures().get(0).contains("lora_a shape mismatch in layer 2"));
    }

    @Test
    void anEngineThatCannotRunOnTheBaseSaysWhyAndIsNotCalled() {
        AdapterProbe probe = new AdapterProbe() {
            @Override
            public ProbeResult probe(Path base, Path dir) {
                throw new AssertionError("must not be called");
            }

            @Override
            public java.util.Optional<String> cannotRun(Path base) {
                return java.util.Optional.of("base model has no weights");
            }
        };
        ValidationReport r = new AdapterValidator(home, probe).validate(adapters, TINY, false).report();
        assertEquals("generation check: not run (base model has no weights)", generation(r).line());
        assertTrue(r.passed());
    }

    @Test
    void engineIsNotCalledForInsaneAdapters() {
        AdapterProbe probe = (base, dir) -> {
            throw new AssertionError("must not be called");
        };
        ValidationReport r = new AdapterValidator(home, probe).validate(tmp.resolve("missing"), TINY, false).report();
        assertEquals("generation check: not run (sanity checks failed)", generation(r).line());
    }
}
