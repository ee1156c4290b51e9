package dev.sam.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one measurement in its own JVM, so that peak RSS, thread pools and BLAS environment variables
 * belong to that measurement alone. The child prints its result as one JSON line prefixed with
 * {@link #RESULT}; its stderr (progress) is echoed with a prefix and kept in {@code logDir/<name>.log}.
 *
 * <pre>JsonNode r = new ChildJvm(cp, logs, System.err).run("gemm-builtin", GemmRun.class, args, Map.of(), List.of());</pre>
 */
public final class ChildJvm {
    /** Marks the child's result line on stdout. */
    public static final String RESULT = "SAM-BENCH-RESULT ";

    private final String classpath;
    private final Path logDir;
    private final PrintStream echo;
    private final List<String> jvmArgs;
    private final long timeoutMinutes;

    public ChildJvm(String classpath, Path logDir, PrintStream echo, List<String> jvmArgs, long timeoutMinutes) {
        this.classpath = classpath;
        this.logDir = logDir;
        this.echo = echo;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.timeoutMinutes = timeoutMinutes;
    }

    /** Prints the result line (for child mains). */
    public static void emit(Object result) {
        System.out.println(RESULT + Json.write(result));
        System.out.flush();
    }

    /**
     * Runs {@code main} with {@code args}; {@code env} entries are set, {@code unset} names removed.
     * Returns the child's result object with "wall_s", "loadavg_before"/"after" and "stderr_tail" added.
     */
    public ObjectNode run(String name, Class<?> main, List<String> args, Map<String, String> env, List<String> unset) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(main.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = pb.environment();
        unset.forEach(e::remove);
        e.putAll(env);
        String before = MachineInfo.loadAverage();
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(logDir);
            Path outFile = logDir.resolve(name + ".out");
            pb.redirectOutput(outFile.toFile()); // a file, so that the timeout below can fire on a hung child
            Process p = pb.start();
            p.getOutputStream().close();
            List<String> errLines = new ArrayList<>();
            Thread errPump = new Thread(() -> pump(name, p, errLines), "stderr-" + name);
            errPump.setDaemon(true);
            errPump.start();
            if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(name + " did not finish within " + timeoutMinutes + " minutes");
            }
            errPump.join(10_000);
            double wall = (System.nanoTime() - t0) / 1e9;
            String out = Files.readString(outFile, StandardCharsets.UTF_8);
            JsonNode result = null;
            for (String line : out.split("\n")) {
                if (line.startsWith(RESULT)) {
                    result = Json.mapper().readTree(line.substring(RESULT.length()));
                }
            }
            if (p.exitValue() != 0 || result == null) {
                throw new IllegalStateException(name + " failed (exit " + p.exitValue() + "): "
                        + String.join("\n", tail(errLines, 15)) + "\n(full log: " + logDir.resolve(name + ".log") + ")");
            }
            ObjectNode o = (ObjectNode) result;
            o.put("wall_s", Math.round(wall * 10) / 10.0);
            o.put("loadavg_before", before);
            o.put("loadavg_after", MachineInfo.loadAverage());
            o.set("stderr_tail", Json.tree(tail(errLines, 40)));
            return o;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot run " + name + ": " + ex.getMessage(), ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name, ex);
        }
    }

    private void pump(String name, Process p, List<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
             PrintStream log = new PrintStream(Files.newOutputStream(logDir.resolve(name + ".log")), true,
                     StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                log.println(line);
                synchronized (lines) {
                    lines.add(line);
                }
                if (line.startsWith("bench:")) {
                    echo.println("  [" + name + "] " + line.substring(6).trim());
                }
            }
        } catch (IOException ignored) {
            // the child is gone; what was read is kept
        }
    }

    private static List<String> tail(List<String> lines, int n) {
        synchronized (lines) {
            return new ArrayList<>(lines.subList(Math.max(0, lines.size() - n), lines.size()));
        }
    }

    /** The child's environment for DJL: offline, with its caches under {@code work}. */
    public static Map<String, String> djlEnv(Path work) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("DJL_OFFLINE", "true");
        m.put("DJL_CACHE_DIR", work.resolve("djl-cache").toString());
        m.put("ENGINE_CACHE_DIR", work.resolve("djl-cache").toString());
        return m;
    }
}
