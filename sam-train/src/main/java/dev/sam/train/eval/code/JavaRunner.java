package dev.sam.train.eval.code;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Java answers: {@code Solution.java} (the answer), {@code Tests.java} (the task's checks in a main) and
 * {@code SamGuard.java} (refuses sockets) are compiled in this JVM with the JDK's compiler (javax.tools;
 * compiling runs none of the answer's code) and run in a child JVM of this Java installation with a
 * bounded heap ({@code -Xmx}), in {@link Sandbox}. Passed only with exit 0 and this run's pass marker.
 */
final class JavaRunner implements TaskRunner {
    private final CodeLimits limits;

    JavaRunner(CodeLimits limits) {
        this.limits = limits;
    }

    private static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    @Override
    public Optional<String> unavailable() {
        if (!Files.isExecutable(java())) {
            return Optional.of("Java tasks skipped: no java launcher at " + java());
        }
        if (ToolProvider.getSystemJavaCompiler() == null) {
            return Optional.of("Java tasks skipped: this Java runtime has no compiler (run SAM on a JDK, not a JRE)");
        }
        return Optional.empty();
    }

    @Override
    public TaskResult run(CodeTask task, String code, Path dir) throws IOException {
        Files.writeString(dir.resolve("Solution.java"), code);
        Files.writeString(dir.resolve("Tests.java"), """
                public class Tests {
                    static void check(boolean ok, String what) {
                        if (!ok) {
                            throw new AssertionError("test failed: " + what);
                        }
                    }

                    public static void main(String[] args) throws Exception {
                %s
                    }
                }
                """.formatted(task.tests().indent(8).stripTrailing()));
        Files.writeString(dir.resolve("SamGuard.java"), TaskRunner.resource("SamGuard.java"));
        String compileErrors = compile(dir);
        if (compileErrors != null) {
            return new TaskResult(task.id(), task.language(), false, "does not compile: " + compileErrors);
        }
        String nonce = UUID.randomUUID().toString();
        Sandbox.Outcome o = Sandbox.run(List.of(java().toString(), "-Xmx" + limits.memoryMb() / 2 + "m", "-Xss4m",
                "-XX:MaxMetaspaceSize=64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-Djava.nio.channels.spi.SelectorProvider=SamGuard$NoNet", "-cp", dir.toString(), "SamGuard", nonce),
                dir, limits.timeout());
        boolean passed = o.exitCode() == 0 && !o.timedOut() && o.output().contains("SAM-TESTS-PASSED " + nonce);
        return new TaskResult(task.id(), task.language(), passed, passed ? "passed" : TaskRunner.tail(o, limits, false));
    }

    /** Null when it compiled, else the first diagnostics. */
    private static String compile(Path dir) {
        JavaCompiler c = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        try (var fm = c.getStandardFileManager(null, null, null)) {
            var units = fm.getJavaFileObjects(dir.resolve("Solution.java"), dir.resolve("Tests.java"),
                    dir.resolve("SamGuard.java"));
            boolean ok = c.getTask(diagnostics, fm, null, List.of("-d", dir.toString(), "-proc:none", "-nowarn",
                    "-Xlint:none", "-encoding", "UTF-8"), null, units).call();
            if (ok) {
                return null;
            }
        } catch (IOException e) {
            return e.getMessage();
        }
        String d = diagnostics.toString().replace(dir.toString() + "/", "").strip();
        return d.length() > 400 ? d.substring(0, 400) + "…" : d;
    }
}
