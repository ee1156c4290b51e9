package dev.sam.train.eval.code;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Python answers: {@code solution.py} and {@code tests.py} run by {@code guard.py} (rlimits on memory,
 * CPU, processes and file size; an audit hook refusing sockets and subprocesses) under the interpreter
 * of {@code eval.code.python}, in {@link Sandbox}. Passed only with exit 0 and this run's pass marker.
 */
final class PythonRunner implements TaskRunner {
    private final CodeLimits limits;
    private Optional<String> unavailable;

    PythonRunner(CodeLimits limits) {
        this.limits = limits;
    }

    @Override
    public synchronized Optional<String> unavailable() {
        if (unavailable == null) {
            unavailable = probe();
        }
        return unavailable;
    }

    private Optional<String> probe() {
        String why = "Python tasks skipped: no Python interpreter '" + limits.python() + "' (install python3 or set"
                + " eval.code.python in config.yaml)";
        try {
            Path dir = Files.createTempDirectory("sam-python-probe");
            try {
                Sandbox.Outcome o = Sandbox.run(List.of(limits.python(), "-I", "-c",
                        "import sys, resource; assert sys.version_info >= (3, 8); print('ok')"), dir, Duration.ofSeconds(20));
                if (o.exitCode() == 0 && o.output().strip().equals("ok")) {
                    return Optional.empty();
                }
                return Optional.of(why + ": it did not run (" + TaskRunner.tail(o, limits, true)
                        + "; Python 3.8+ is needed)");
            } finally {
                CodeExecution.delete(dir);
            }
        } catch (IOException e) {
            return Optional.of(why);
        }
    }

    @Override
    public TaskResult run(CodeTask task, String code, Path dir) throws IOException {
        String nonce = UUID.randomUUID().toString();
        Files.writeString(dir.resolve("guard.py"), TaskRunner.resource("guard.py"));
        Files.writeString(dir.resolve("solution.py"), code);
        Files.writeString(dir.resolve("tests.py"), task.tests());
        long cpu = Math.max(1, limits.timeout().toSeconds());
        Sandbox.Outcome o = Sandbox.run(List.of(limits.python(), "-I", "-B", "guard.py",
                Integer.toString(limits.memoryMb()), Long.toString(cpu), nonce), dir, limits.timeout());
        boolean passed = o.exitCode() == 0 && !o.timedOut() && o.output().contains("SAM-TESTS-PASSED " + nonce);
        return new TaskResult(task.id(), task.language(), passed, passed ? "passed" : TaskRunner.tail(o, limits, true));
    }
}
