package dev.sam.cli.collect;

import dev.sam.cli.CliContext;
import dev.sam.cli.SamSubcommand;
import dev.sam.collect.distill.DistillReport;
import dev.sam.collect.distill.DistillService;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sam distill import FILE.jsonl}. */
@Command(name = "import",
        description = {"Import a JSONL file of captures, one JSON object per line, each in any of:",
                "  {\"prompt\", \"answer\", ...}            SAM's capture (see `sam distill --help`)",
                "  {\"messages\":[{\"role\",\"content\"}]}    an OpenAI chat transcript",
                "  {\"conversations\":[{\"from\",\"value\"}]} a ShareGPT transcript",
                "A transcript gives one capture per user->assistant exchange; a user turn that",
                "corrects the previous answer (\"no, ...\", \"that's wrong ...\", \"this doesn't work ...\")",
                "makes a correction (sample + DPO pair). The format is detected per line and reported.",
                "Bad lines are reported with their line number and reason and skipped; the good",
                "ones are kept (exit 0). If no line is usable the command fails (exit 1).",
                "Importing the same file twice adds nothing.",
                "",
                "Example:  sam distill import ~/sessions/2025-06.jsonl",
                ""})
public final class DistillImportCommand extends SamSubcommand {
    @Parameters(paramLabel = "FILE.jsonl", description = "The captures to import.")
    Path file;

    @Override
    public Integer call() {
        var c = ctx();
        DistillReport r = new DistillService(c.home(), c.config(), c.db()).importFile(file, c.out().progress());
        print(c, r);
        return 0;
    }

    static void print(CliContext c, DistillReport r) {
        r.problems().forEach(p -> c.out().warn(r.origin() + " line " + p.line() + ": " + p.reason()));
        r.collected().warnings().forEach(w -> c.out().warn(w));
        c.out().result(r, out -> {
            out.printf("%s: %d document(s) read, %d captured, %d already captured, %d refused%n", r.origin(), r.read(),
                    r.captured(), r.duplicates(), r.problems().size());
            if (!r.formats().isEmpty()) {
                out.printf("  formats: %s%n", r.formats().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(java.util.stream.Collectors.joining(", ")));
            }
            ReportPrinter.print(out, r.collected());
        });
    }
}
