package dev.sam.deploy;

import java.util.List;

/**
 * What {@code sam verify [--repair]} found and did.
 *
 * @param consistent true when, after any repair, every check passes (warnings aside)
 * @param active     the active version after any repair, or null
 */
public record VerifyReport(boolean repair, boolean consistent, String active, int versions, int versionsVerified,
                           List<Finding> findings) {

    public VerifyReport {
        findings = List.copyOf(findings);
    }

    /**
     * One finding.
     *
     * @param severity "problem" (makes the store inconsistent) or "warning"
     * @param action   what --repair did about it; null when nothing was done
     */
    public record Finding(String severity, String message, String action) {
        public static Finding problem(String message) {
            return new Finding("problem", message, null);
        }

        public static Finding warning(String message) {
            return new Finding("warning", message, null);
        }

        public Finding repaired(String what) {
            return new Finding(severity, message, what);
        }

        public boolean open() {
            return severity.equals("problem") && action == null;
        }
    }
}
