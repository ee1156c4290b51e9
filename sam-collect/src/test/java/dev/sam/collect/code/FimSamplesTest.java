package dev.sam.collect.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.Fim;
import dev.sam.core.model.Sample;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** FIM samples: PSM layout, cut points in the body, deterministic, the configured rate. */
class FimSamplesTest {
    private static CodeSymbol function(int i) {
        String sig = "static int f" + i + "(int a, int b)";
        String code = sig + " {\n    int s = a + b * " + i + ";\n    return s - " + i + ";\n}";
        return new CodeSymbol(Language.JAVA, "method", "f" + i, sig, null, null, code, 10, 13);
    }

    @Test
    void aSampleIsThePsmPromptWithTheMiddleAsAnswer() {
        int made = 0;
        for (int i = 0; i < 50; i++) {
            CodeSymbol s = function(i);
            Optional<Sample> o = FimSamples.of(s, "repo", "src/A.java", 1.0);
            assertTrue(o.isPresent(), "rate 1: every function");
            Sample x = o.get();
            assertEquals("fim", x.meta().get("task"));
            assertTrue(x.instruction().startsWith(Fim.PREFIX + s.signature()), "the cut is in the body: " + x.instruction());
            assertTrue(x.instruction().endsWith(Fim.MIDDLE));
            int suffixAt = x.instruction().indexOf(Fim.SUFFIX);
            String prefix = x.instruction().substring(Fim.PREFIX.length(), suffixAt);
            String suffix = x.instruction().substring(suffixAt + Fim.SUFFIX.length(),
                    x.instruction().length() - Fim.MIDDLE.length());
            assertEquals(s.code(), prefix + x.output() + suffix, "prefix + middle + suffix is the function");
            assertFalse(x.output().isBlank());
            assertEquals("", x.input());
            assertEquals(x, FimSamples.of(s, "repo", "src/A.java", 1.0).orElseThrow(), "deterministic");
            made++;
        }
        assertEquals(50, made);
    }

    @Test
    void theRateIsTheShareOfFunctionsAndTypesGiveNone() {
        int n = 2000;
        int made = 0;
        for (int i = 0; i < n; i++) {
            if (FimSamples.of(function(i), "repo", "A.java", 0.3).isPresent()) {
                made++;
            }
        }
        assertEquals(0.3, made / (double) n, 0.04, "binomial sd is 0.01");
        assertTrue(FimSamples.of(function(1), "repo", "A.java", 0).isEmpty());
        CodeSymbol type = new CodeSymbol(Language.JAVA, "class", "A", "class A", null, null, "class A {\n int x;\n}", 1, 3);
        assertTrue(FimSamples.of(type, "repo", "A.java", 1.0).isEmpty());
    }
}
