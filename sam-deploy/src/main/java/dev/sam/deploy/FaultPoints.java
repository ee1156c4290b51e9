package dev.sam.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * Every crash-safety point of the deployment operations, for {@code SAM_FAULT_AT} in tests
 * ({@link dev.sam.core.io.Faults}). A kill at any of them leaves versions.json naming either the old or
 * the new state; {@code sam verify --repair} brings the derived files into line.
 */
public final class FaultPoints {
    /** Points of copying a new version (VersionStore.install). */
    public static final List<String> COPY = List.of("before-copy", "mid-copy", "after-copy", "after-rename");
    /** Points of committing a state (Activation.commit), in order. */
    public static final List<String> COMMIT = List.of("after-versions-json", "after-current", "before-link-rename",
            "after-symlink", "after-db");

    private FaultPoints() {
    }

    public static List<String> deploy() {
        return prefixed("deploy", COPY, COMMIT);
    }

    public static List<String> rollback() {
        return prefixed("rollback", List.of("after-verify"), COMMIT);
    }

    public static List<String> promote() {
        return prefixed("promote", List.of("after-verify"), COMMIT);
    }

    private static List<String> prefixed(String op, List<String> a, List<String> b) {
        List<String> out = new ArrayList<>();
        a.forEach(p -> out.add(op + "." + p));
        b.forEach(p -> out.add(op + "." + p));
        return out;
    }
}
