package dev.sam.quickstart;

import java.nio.file.Path;

/**
 * What {@code sam quickstart} was asked to do.
 *
 * <pre>QuickstartRequest r = new QuickstartRequest(Path.of(".sam-demo"), Path.of(""), false);</pre>
 *
 * @param dir          the quickstart's own SAM_HOME (created when absent; reused when the quickstart made it)
 * @param workDir      where the user ran the command: its git repository (if any) is the one collected
 * @param keepServing  leave {@code sam serve} running after the last step (until Ctrl-C)
 */
public record QuickstartRequest(Path dir, Path workDir, boolean keepServing) {
    public QuickstartRequest {
        dir = dir.toAbsolutePath().normalize();
        workDir = workDir.toAbsolutePath().normalize();
    }
}
