package dev.sam.train.eval.code;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one untrusted command: in its own directory, with a clean environment, a wall-clock limit (the
 * whole process tree is killed when it is exceeded), only the first {@value #KEEP} bytes of its output
 * kept (the rest is drained and dropped, so an endless print neither blocks nor fills a disk), and — when
 * the kernel allows unprivileged user namespaces — without network: {@code unshare -rn} gives the child
 * a network namespace of its own with only a down loopback (unshare(1), user_namespaces(7)). Memory,
 * CPU and socket limits inside the child are the language runners' job; they hold even without unshare.
 */
final class Sandbox {
    static final int KEEP = 16 * 1024;
    private static volatile Boolean unshare;

    private Sandbox() {
    }

    /** Exit code (-1 when killed on timeout), whether the limit was hit, the kept output. */
    record Outcome(int exitCode, boolean timedOut, String output) {
    }

    /** Whether commands run in a network namespace of their own. */
    static boolean networkNamespace() {
        Boolean u = unshare;
        if (u == null) {
            u = probe();
            unshare = u;
        }
        return u;
    }

    static Outcome run(List<String> command, Path dir, Duration timeout) throws IOException {
        List<String> full = new ArrayList<>();
        if (networkNamespace()) {
            full.addAll(List.of("unshare", "-rn"));
        }
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", dir.toString());
        env.put("LANG", "C.UTF-8");
        Process p = pb.start();
        p.getOutputStream().close();
        Drain drain = new Drain(p.getInputStream());
        drain.start();
        boolean done;
        try {
            done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            drain.join(2000);
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while a code task ran", e);
        }
        return new Outcome(done ? p.exitValue() : -1, !done, drain.text());
    }

    private static boolean probe() {
        try {
            Process p = new ProcessBuilder("unshare", "-rn", "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Reads a child's output to the end, keeping the first {@link #KEEP} bytes. */
    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        Drain(InputStream in) {
            super("sam-code-task-output");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (kept) {
                        kept.write(buf, 0, Math.max(0, Math.min(n, KEEP - kept.size())));
                    }
                }
            } catch (IOException e) {
                // the process was killed: what was read is kept
            }
        }

        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
