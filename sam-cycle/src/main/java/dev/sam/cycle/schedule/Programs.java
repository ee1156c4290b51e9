package dev.sam.cycle.schedule;

import dev.sam.core.SamException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs crontab, systemctl and launchctl: bounded in time, output captured, failures as SamException. */
final class Programs {

    record Run(int exit, String stdout, String stderr) {
    }

    private Programs() {
    }

    static Run run(List<String> cmd, String stdin) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            var out = p.getInputStream().readAllBytes();
            var err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw SamException.failure(String.join(" ", cmd) + " did not finish within 30 s", null);
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw SamException.failure("cannot run " + cmd.get(0) + ": " + e.getMessage(),
                    "install it, or choose another scheduler with --scheduler");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SamException.failure("interrupted while running " + cmd.get(0), null);
        }
    }

    /** Runs and fails with the program's message unless it exits 0. */
    static Run ok(List<String> cmd, String stdin) {
        Run r = run(cmd, stdin);
        if (r.exit() != 0) {
            throw SamException.failure(String.join(" ", cmd) + " failed (exit " + r.exit() + "): " + r.stderr().strip(),
                    null);
        }
        return r;
    }

    /** Single-quoted for a POSIX shell (cron runs its lines with /bin/sh). */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
