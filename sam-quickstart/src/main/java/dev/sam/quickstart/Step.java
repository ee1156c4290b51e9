package dev.sam.quickstart;

import java.util.List;
import java.util.Map;

/**
 * One step of the quickstart: calls SAM's services (the same ones the CLI verbs call) and says what it
 * did. A step that cannot do its job throws {@link dev.sam.core.SamException} with a message naming what
 * failed; its {@link #remedy()} is shown when the exception carries no hint of its own.
 */
interface Step {
    /** A short name for the summary, e.g. "deploy v1 (sam deploy)". */
    String name();

    /** What the user can do when this step fails. */
    String remedy();

    Outcome run(QuickstartContext ctx) throws Exception;

    /** A passed step: one summary line, its data, and anything the user should know. */
    record Outcome(String summary, Map<String, Object> details, List<String> notes) {
        Outcome(String summary, Map<String, Object> details) {
            this(summary, details, List.of());
        }
    }
}
