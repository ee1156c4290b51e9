package dev.sam.serve.api;

import dev.sam.core.io.ProcessLock;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who holds the training lock ({@code SAM_HOME/locks/train.lock}, taken by {@code sam train} /
 * {@code sam force} for the whole run). The holder writes "pid N: …" into the file; the file keeps that
 * line after release, so a holder counts only while its process is alive — and, since a live process
 * may have released the lock, only if the lock cannot be taken right now (a check that holds the lock
 * for microseconds, done only when such a process is alive).
 */
final class TrainLock {
    private static final Pattern PID = Pattern.compile("^pid (\\d+):");
    private static final Pattern RUN_ID = Pattern.compile("\\b(\\d{8}_\\d{6}(?:_\\d+)?)\\b");

    /** The current holder: its pid, what it wrote, and the run id in that line when there is one. */
    record Holder(long pid, String text, String runId) {
    }

    private TrainLock() {
    }

    static Optional<Holder> holder(Path lockFile) {
        if (!lockFile.toFile().isFile()) {
            return Optional.empty();
        }
        String text = ProcessLock.holderOf(lockFile);
        Matcher m = PID.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        long pid = Long.parseLong(m.group(1));
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return Optional.empty();
        }
        Optional<ProcessLock> probe = ProcessLock.tryAcquire(lockFile, "sam serve (checking for a training run)");
        if (probe.isPresent()) {
            probe.get().close();
            return Optional.empty();
        }
        return Optional.of(new Holder(pid, text, runId(text)));
    }

    /** Reads the holder line without probing (for a child this server started and knows is alive). */
    static Optional<Holder> line(Path lockFile) {
        String text = ProcessLock.holderOf(lockFile);
        Matcher m = PID.matcher(text);
        return m.find() ? Optional.of(new Holder(Long.parseLong(m.group(1)), text, runId(text))) : Optional.empty();
    }

    static String runId(String text) {
        Matcher r = RUN_ID.matcher(text == null ? "" : text);
        return r.find() ? r.group(1) : null;
    }
}
