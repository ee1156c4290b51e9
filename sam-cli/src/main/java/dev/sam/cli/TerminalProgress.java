package dev.sam.cli;

import dev.sam.core.progress.ProgressListener;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Draws {@link ProgressListener} updates on stderr: `[#####.....] 52% 130/250 loss 1.2 · ETA 1m10s`.
 * On a terminal the line is redrawn (at most 10 times a second); in a pipe or a log, a line is written
 * at most every 5 seconds so cron mail stays short.
 */
public final class TerminalProgress implements ProgressListener {
    private static final int WIDTH = 28;

    private final PrintWriter err;
    private final boolean interactive;
    private String task = "";
    private long total;
    private long startNanos;
    private long lastDraw;
    private int lastLength;

    TerminalProgress(PrintWriter err, boolean interactive) {
        this.err = err;
        this.interactive = interactive;
    }

    @Override
    public synchronized void start(String task, long total) {
        this.task = task;
        this.total = total;
        this.startNanos = System.nanoTime();
        this.lastDraw = 0;
        this.lastLength = 0;
    }

    @Override
    public synchronized void update(long done, String detail) {
        long now = System.nanoTime();
        long gap = interactive ? 100_000_000L : 5_000_000_000L;
        if (now - lastDraw < gap && done < total) {
            return;
        }
        lastDraw = now;
        String line = render(done, detail, now);
        if (interactive) {
            err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    @Override
    public synchronized void finish(String summary) {
        if (interactive && lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
        }
        if (summary != null) {
            err.println(task + ": " + summary + " (" + format(Duration.ofNanos(System.nanoTime() - startNanos)) + ")");
        }
        err.flush();
        lastLength = 0;
    }

    String render(long done, String detail, long now) {
        StringBuilder sb = new StringBuilder(task).append(' ');
        if (total > 0) {
            double f = Math.min(1.0, (double) done / total);
            int fill = (int) Math.round(f * WIDTH);
            sb.append('[').append("#".repeat(fill)).append(".".repeat(WIDTH - fill)).append("] ")
                    .append(Math.round(f * 100)).append("% ").append(done).append('/').append(total);
            double elapsed = (now - startNanos) / 1e9;
            if (done > 0 && done < total) {
                long eta = Math.round(elapsed / done * (total - done));
                sb.append(" ETA ").append(format(Duration.ofSeconds(eta)));
            }
        } else {
            sb.append(done);
        }
        if (detail != null && !detail.isEmpty()) {
            sb.append("  ").append(detail);
        }
        return sb.toString();
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        if (s < 60) {
            return d.toMillis() < 10_000 ? String.format("%.1fs", d.toMillis() / 1000.0) : s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format("%02ds", s % 60);
        }
        return (s / 3600) + "h" + String.format("%02dm", (s % 3600) / 60);
    }
}
