package dev.sam.collect.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A captured session is scrubbed as one: a key named in the prompt is replaced where the answer repeats it. */
class DistillScrubTest {
    @Test
    void aValueNamedInThePromptIsReplacedInTheAnswer() {
        String key = "Xk29fLq8ZrT3mW7vNc4B1yHs6DpQe0Ju";
        DistillCapture d = new DistillCapture("Why does WIDGET_SIGNING=" + key + " fail?", null,
                "Because " + key + " was revoked; create a new key.", null, null, "ops", 0.8, "s1", "m");
        DistillCapture c = DistillService.scrub(d);
        assertEquals("Why does WIDGET_SIGNING=<SECRET> fail?", c.prompt());
        assertEquals("Because <SECRET> was revoked; create a new key.", c.answer());
    }
}
