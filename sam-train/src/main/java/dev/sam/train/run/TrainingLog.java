package dev.sam.train.run;

import dev.sam.core.SamException;
import dev.sam.core.Times;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The run's human log, {@code training_logs/training_<run_id>.log} (the original's
 * training_YYYYMMDD_HHMMSS.log; run ids are that timestamp): one timestamped line per event and per
 * reported step, the same text the progress bar shows. Appended (a resumed run continues the file),
 * flushed per line.
 *
 * <pre>try (TrainingLog log = TrainingLog.open(home.trainingLogs(), runId)) { log.line("step 1/10 ..."); }</pre>
 */
public final class TrainingLog implements AutoCloseable {
    private final Path file;
    private final BufferedWriter out;

    private TrainingLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    public static Path fileFor(Path logsDir, String runId) {
        return logsDir.resolve("training_" + runId + ".log");
    }

    public static TrainingLog open(Path logsDir, String runId) {
        Path f = fileFor(logsDir, runId);
        try {
            Files.createDirectories(logsDir);
            return new TrainingLog(f, Files.newBufferedWriter(f, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw SamException.io("open the training log", f, e);
        }
    }

    public synchronized void line(String text) {
        try {
            out.write(Times.now() + "  " + text);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw SamException.io("write the training log", file, e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            // nothing left to flush that matters
        }
    }
}
