package dev.sam.cli;

import dev.sam.quickstart.Answer;
import dev.sam.quickstart.QuickstartReport;
import dev.sam.quickstart.StepResult;
import dev.sam.quickstart.TrainedRun;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The human summary of {@code sam quickstart}: steps, runs, answers, artefacts, next steps. */
final class QuickstartPrinter {
    private QuickstartPrinter() {
    }

    static void print(PrintWriter out, QuickstartReport r) {
        out.println();
        Table steps = new Table(" #", "step", "status", "time", "result");
        long skipped = 0;
        for (StepResult s : r.steps()) {
            if (s.status().equals("skipped")) {
                skipped++;
            } else {
                steps.row(String.format("%2d", s.index()), s.name(), s.status(), seconds(s.seconds()), s.summary());
            }
        }
        steps.print(out);
        if (skipped > 0) {
            out.println("    (" + skipped + " later step(s) not run)");
        }
        runs(out, r);
        answers(out, r.answers());
        if (!r.artefacts().isEmpty()) {
            out.println();
            out.println("Artefacts:");
            Table a = new Table("  what", "where");
            r.artefacts().forEach((k, v) -> a.row("  " + k, v));
            a.print(out);
        }
        if (r.success()) {
            out.println();
            out.println("Next:");
            r.next().forEach(n -> out.println("  " + n));
        }
        out.println();
        out.println(r.success() ? "SAM quickstart: all steps passed in " + seconds(r.seconds()) + " (" + r.dir() + ")"
                : "SAM quickstart: step '" + r.failedStep() + "' FAILED after " + seconds(r.seconds()));
    }

    private static void runs(PrintWriter out, QuickstartReport r) {
        List<TrainedRun> runs = new ArrayList<>();
        if (r.firstRun() != null) {
            runs.add(r.firstRun());
        }
        if (r.secondRun() != null) {
            runs.add(r.secondRun());
        }
        if (runs.isEmpty()) {
            return;
        }
        out.println();
        out.println("Runs (held-out loss: lower is better; blessed = passes the checks and beats the base model and the "
                + "active version):");
        for (TrainedRun t : runs) {
            out.println("  " + t.runId() + "  seed " + t.seed() + ", " + t.steps() + " steps, " + t.samples()
                    + " samples: held-out loss " + f(t.valLoss()) + " vs base model " + f(t.baseValLoss())
                    + (t.comparedWith() == null ? "" : " and " + t.comparedWith() + " " + f(t.comparedValLoss())));
            out.println("      " + (t.blessed() ? "BLESSED" : "NOT BLESSED") + ": " + t.reason());
            t.discarded().forEach(d -> out.println("      trained before it and discarded (deploy's validation refused it):"
                    + " " + d));
            if (t.deployedAs() != null) {
                out.println("      " + t.deployedAs() + ": " + t.deployedHow());
            }
        }
    }

    /** One row per demo task: the handler the log names, and each version's answers. */
    private static void answers(PrintWriter out, List<Answer> answers) {
        if (answers.isEmpty()) {
            return;
        }
        Map<String, Map<String, String>> byTask = new LinkedHashMap<>();
        List<String> versions = new ArrayList<>();
        Map<String, String> expected = new LinkedHashMap<>();
        for (Answer a : answers) {
            byTask.computeIfAbsent(a.task(), k -> new LinkedHashMap<>()).putIfAbsent(a.version(), a.answer().strip());
            expected.put(a.task(), a.expected());
            if (!versions.contains(a.version())) {
                versions.add(a.version());
            }
        }
        versions.sort(dev.sam.deploy.store.VersionNumbers.ORDER); // v1.0.10 after v1.0.9
        out.println();
        out.println("Answers through sam serve (\"" + "route this task\", tasks new in the second part of the log):");
        List<String> header = new ArrayList<>(List.of("  task", "log says"));
        header.addAll(versions);
        Table t = new Table(header.toArray(String[]::new));
        byTask.forEach((task, by) -> {
            List<Object> row = new ArrayList<>(List.of("  " + task, expected.get(task)));
            versions.forEach(v -> row.add(by.getOrDefault(v, "-")));
            t.row(row.toArray());
        });
        t.print(out);
        long streamed = answers.stream().filter(Answer::streamed).count();
        out.println("  " + answers.size() + " requests (" + streamed + " streamed), answered in "
                + answers.stream().mapToLong(Answer::millis).min().orElse(0) + "-"
                + answers.stream().mapToLong(Answer::millis).max().orElse(0) + " ms");
    }

    static String seconds(double s) {
        return s < 60 ? String.format(Locale.ROOT, "%.1fs", s) : String.format(Locale.ROOT, "%dm%02ds", (int) s / 60,
                (int) s % 60);
    }

    private static String f(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
