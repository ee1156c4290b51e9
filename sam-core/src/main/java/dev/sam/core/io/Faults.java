package dev.sam.core.io;

import java.util.Map;

/**
 * Fault injection for crash-safety tests. Writers call {@link #point(String)} at each step where a
 * crash must leave a consistent state. When the environment variable {@code SAM_FAULT_AT} names that
 * point, the process dies on the spot ({@code SAM_FAULT_MODE=halt}, the default: like kill -9, no
 * cleanup, no shutdown hooks) or throws ({@code SAM_FAULT_MODE=throw}). Unset in normal use, it costs
 * one map lookup.
 *
 * <pre>Faults.point("deploy.after-copy");</pre>
 */
public final class Faults {
    public static final String ENV_AT = "SAM_FAULT_AT";
    public static final String ENV_MODE = "SAM_FAULT_MODE";

    private static volatile Map<String, String> env = System.getenv();

    private Faults() {
    }

    public static void point(String name) {
        String at = env.get(ENV_AT);
        if (at == null || !at.equals(name)) {
            return;
        }
        if ("throw".equals(env.get(ENV_MODE))) {
            throw new InjectedFault(name);
        }
        System.err.println("fault injected at " + name + ": halting");
        System.err.flush();
        Runtime.getRuntime().halt(137);
    }

    /** For in-process tests: replaces the environment that is consulted. */
    public static void useEnvironment(Map<String, String> e) {
        env = e;
    }

    /** The exception of {@code SAM_FAULT_MODE=throw}. */
    public static final class InjectedFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFault(String point) {
            super("fault injected at " + point);
        }
    }
}
