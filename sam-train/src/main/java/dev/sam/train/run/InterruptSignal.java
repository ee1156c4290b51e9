package dev.sam.train.run;

import dev.sam.train.runs.StopSignal;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C and SIGTERM while a run trains. With the JVM's default handling the process would start
 * shutting down at once and the run would stay "training" with its progress lost; instead these
 * handlers (sun.misc.Signal, so the JVM is not already shutting down) only set a flag: the loop finishes
 * its optimizer step, saves a checkpoint, marks the run failed(interrupted) and the command exits 130.
 * A second signal asks to stop without waiting for the step. close() restores the previous handlers.
 *
 * <pre>try (InterruptSignal stop = InterruptSignal.install()) { loop.run(stop); }</pre>
 */
public final class InterruptSignal implements StopSignal, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InterruptSignal.class);

    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile int count;
    private volatile String reason;

    private InterruptSignal() {
    }

    /** Handles INT and TERM until closed (a signal the JVM reserves is skipped and logged). */
    public static InterruptSignal install() {
        InterruptSignal s = new InterruptSignal();
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal sig = new Signal(name);
                SignalHandler old = Signal.handle(sig, x -> s.raise("SIG" + name));
                s.signals.add(sig);
                s.previous.add(old);
            } catch (IllegalArgumentException e) {
                LOG.warn("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        return s;
    }

    /** What a signal does; also callable directly (e.g. by a server stopping a run). */
    public void raise(String why) {
        if (reason == null) {
            reason = why;
        }
        count++;
        LOG.info("{} received ({}): stopping the run {}", why, count, count == 1 ? "after this step" : "now");
    }

    @Override
    public boolean requested() {
        return count >= 1;
    }

    @Override
    public boolean urgent() {
        return count >= 2;
    }

    @Override
    public String reason() {
        return reason;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            try {
                Signal.handle(signals.get(i), previous.get(i));
            } catch (IllegalArgumentException e) {
                LOG.debug("cannot restore handler of {}", signals.get(i));
            }
        }
        signals.clear();
    }
}
