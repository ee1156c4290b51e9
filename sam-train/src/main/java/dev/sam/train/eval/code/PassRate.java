package dev.sam.train.eval.code;

import java.util.List;

/**
 * Pass rate of a model's answers under the suite's tests: tasks run and passed (over the languages that
 * could run here), each task's result, and notes (languages skipped and why).
 */
public record PassRate(int tasks, int passed, List<TaskResult> results, List<String> notes) {
    public PassRate {
        results = List.copyOf(results);
        notes = List.copyOf(notes);
    }

    /** passed / tasks; null when no task could run (never a made-up 0). */
    public Double rate() {
        return tasks == 0 ? null : (double) passed / tasks;
    }
}
