package dev.sam.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code sam} CLI in a child JVM (the test classpath) against a given SAM_HOME. */
public final class CliRunner {
    private final Path samHome;
    private final Map<String, String> env = new HashMap<>();
    private Path directory;

    public CliRunner(Path samHome) {
        this.samHome = samHome;
    }

    /** Adds an environment variable for every later invocation. */
    public CliRunner env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** Runs every later invocation in {@code dir} (default: the test's working directory). */
    public CliRunner directory(Path dir) {
        this.directory = dir;
        return this;
    }

    /** Result of one invocation. */
    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** A started invocation. */
    public record Running(Process process, Path stdout, Path stderr) {
        public Result await(long timeoutSeconds) throws IOException, InterruptedException {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("sam did not finish within " + timeoutSeconds + " s; stderr:\n"
                        + Files.readString(stderr));
            }
            return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        }
    }

    public Result run(String... args) throws IOException, InterruptedException {
        return runWithInput(null, args);
    }

    /** Runs with {@code stdin} (may be null) fed to the process. */
    public Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        Running r = start(args);
        if (stdin != null) {
            r.process().getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        r.process().getOutputStream().close();
        return r.await(900);
    }

    public Running start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SAM_HOME", samHome.toString());
        pb.environment().remove("SAM_MODELS_DIR");
        pb.environment().putAll(env);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        Path dir = Files.createTempDirectory("sam-cli-out");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        return new Running(pb.start(), out, err);
    }
}
