package dev.sam.train.eval.code;

import dev.sam.core.SamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * "Task performance" of the original pipeline's evaluation, measured by running code: each task's request
 * goes to the model, the code of its answer runs under the task's unit tests in a child process with a
 * time and memory limit and no network ({@link Sandbox}, the language runners), and the pass rate is
 * the share of tasks whose tests all pass — HumanEval's pass@1 with greedy decoding (Chen et al. 2021,
 * "Evaluating Large Language Models Trained on Code"). An answer that loops, allocates without bound or
 * opens a socket is stopped or refused and counts as failed. A language without an interpreter here is
 * skipped with a note, never counted.
 *
 * <pre>PassRate r = new CodeExecution(CodeLimits.defaults()).run(CodeSuite.bundled().pick(20), model::answer);</pre>
 */
public final class CodeExecution {
    private final Map<String, TaskRunner> runners;

    public CodeExecution(CodeLimits limits) {
        this.runners = Map.of(CodeTask.PYTHON, new PythonRunner(limits), CodeTask.JAVA, new JavaRunner(limits));
    }

    /** The languages that cannot run here, each with why (to decide before generating anything). */
    public List<String> unavailable(List<CodeTask> tasks) {
        Set<String> notes = new LinkedHashSet<>();
        tasks.forEach(t -> runners.get(t.language()).unavailable().ifPresent(notes::add));
        return List.copyOf(notes);
    }

    /** Asks {@code model} for each task's answer and runs it under the tests. */
    public PassRate run(List<CodeTask> tasks, Function<CodeTask, String> model) {
        List<String> notes = unavailable(tasks);
        List<TaskResult> results = new ArrayList<>();
        int passed = 0;
        for (CodeTask t : tasks) {
            TaskRunner r = runners.get(t.language());
            if (r.unavailable().isPresent()) {
                continue;
            }
            TaskResult res = runOne(r, t, CodeAnswers.extract(model.apply(t), t.language()));
            results.add(res);
            passed += res.passed() ? 1 : 0;
        }
        return new PassRate(results.size(), passed, results, notes);
    }

    private static TaskResult runOne(TaskRunner r, CodeTask t, String code) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("sam-code-" + t.id() + "-");
            return r.run(t, code, dir);
        } catch (IOException e) {
            throw SamException.failure("cannot run code task " + t.id() + ": " + e.getMessage(),
                    "check that the temporary directory (java.io.tmpdir) is writable");
        } finally {
            if (dir != null) {
                delete(dir);
            }
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
