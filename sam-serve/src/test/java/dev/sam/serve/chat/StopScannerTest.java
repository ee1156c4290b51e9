package dev.sam.serve.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopScannerTest {
    private final List<String> out = new ArrayList<>();

    private StopScanner scanner(String... stops) {
        return new StopScanner(List.of(stops), d -> out.add(d));
    }

    @Test
    void withoutStopsTextPassesAsItComes() throws Exception {
        StopScanner s = scanner();
        assertTrue(s.accept("ab"));
        assertTrue(s.accept("cd"));
        s.finish();
        assertEquals(List.of("ab", "cd"), out);
        assertFalse(s.stopped());
    }

    @Test
    void stopSplitAcrossPiecesIsHeldBackThenCut() throws Exception {
        StopScanner s = scanner("END");
        assertTrue(s.accept("code E"));
        assertEquals("code ", String.join("", out), "'E' may start END: held back");
        assertTrue(s.accept("N"));
        assertFalse(s.accept("D and more"));
        assertTrue(s.stopped());
        assertEquals("code ", s.text());
        assertFalse(s.accept("ignored"));
    }

    @Test
    void heldBackTextThatIsNotAStopIsReleased() throws Exception {
        StopScanner s = scanner("\n\n", "###");
        s.accept("line\n");
        s.accept("next#");
        s.accept("#");
        s.finish();
        assertEquals("line\nnext##", s.text());
        assertFalse(s.stopped());
    }

    @Test
    void earliestStopWins() throws Exception {
        StopScanner s = scanner("b", "a");
        assertFalse(s.accept("xxabyy"));
        assertEquals("xx", s.text());
    }
}
