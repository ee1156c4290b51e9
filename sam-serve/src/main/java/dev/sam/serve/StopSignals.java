package dev.sam.serve;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets SIGTERM and SIGINT (Ctrl-C) start a graceful shutdown instead of the JVM's immediate exit, so
 * that {@code sam serve} finishes requests in flight, writes its metrics and exits 0. Uses the JDK's
 * {@code sun.misc.Signal} (module jdk.unsupported, present in every JDK since 9) through reflection so
 * that the build stays free of warnings about internal API; where it is missing, the caller falls back
 * to a shutdown hook (same cleanup, but the exit status is then the signal's).
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    /**
     * Installs {@code onSignal} for TERM and INT; false when SIGTERM cannot be handled here. (A SIGINT
     * that the parent shell ignores, as for background jobs and nohup, stays ignored.)
     */
    static boolean install(Runnable onSignal) {
        Object handler;
        Method handle;
        Class<?> signal;
        try {
            signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            handler = Proxy.newProxyInstance(StopSignals.class.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, m, args) -> switch (m.getName()) {
                        case "handle" -> {
                            LOG.info("signal {}: shutting down", args[0]);
                            onSignal.run();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "sam serve stop handler";
                    });
            handle = signal.getMethod("handle", signal, handlerType);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warn("cannot handle SIGTERM/SIGINT here ({}); using a shutdown hook", e.toString());
            return false;
        }
        boolean term = false;
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                handle.invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
                term |= name.equals("TERM");
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.warn("cannot handle SIG{} ({})", name, e.toString());
            }
        }
        return term;
    }
}
