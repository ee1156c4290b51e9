package dev.sam.cli.collect;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.SamException;
import dev.sam.core.io.AtomicFiles;
import dev.sam.train.datareport.DataReport;
import dev.sam.train.datareport.DataReportHtml;
import dev.sam.train.datareport.DataReporter;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sam data report}: what the collected data looks like, before training on it. */
@Command(name = "report", sortOptions = false,
        description = {"Show what the training data looks like: per source and kind the sample counts,",
                "token lengths (p10/p50/p90/p99, with the base model's tokenizer when installed),",
                "the most used instruction templates, rejects by reason, duplicates and conflicts,",
                "10 random samples per source (--seed), the mix the next run will use (collect.mix)",
                "and its estimated training time for the default profile. The speed behind the",
                "estimate is measured once on this machine with a few native training steps and",
                "cached in SAM_HOME/cache/train-speed.json.",
                "",
                "Examples:",
                "  sam data report",
                "  sam data report --html            (writes SAM_HOME/reports/data-report.html)",
                "  sam data report --json --no-measure",
                ""})
public final class DataReportCommand extends SamSubcommand {
    @Option(names = "--html", arity = "0..1", paramLabel = "FILE", fallbackValue = "",
            description = "Also write a self-contained HTML page (default SAM_HOME/reports/data-report.html).")
    String html;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of the random samples shown (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-measure", description = "Do not measure the training speed now if it is not cached.")
    boolean noMeasure;

    @Option(names = "--remeasure", description = "Measure the training speed again (e.g. after a hardware change,"
            + " or when the machine was busy the first time).")
    boolean remeasure;

    @Override
    public Integer call() {
        var c = ctx();
        if (remeasure && !noMeasure) {
            try {
                java.nio.file.Files.deleteIfExists(c.home().trainSpeedCache());
            } catch (IOException e) {
                throw SamException.failure("cannot remove " + c.home().trainSpeedCache() + ": " + e.getMessage(),
                        "check permissions of SAM_HOME");
            }
        }
        DataReport r = new DataReporter(c.home(), c.config()).build(seed, !noMeasure, c.out()::note);
        Path page = null;
        if (html != null) {
            page = html.isEmpty() ? c.home().dataReportHtml() : Path.of(html).toAbsolutePath();
            try {
                java.nio.file.Files.createDirectories(page.getParent());
                AtomicFiles.writeString(page, DataReportHtml.page(r));
            } catch (IOException e) {
                throw SamException.failure("cannot write " + page + ": " + e.getMessage(), "check the directory");
            }
        }
        Path written = page;
        c.out().result(r, out -> {
            DataReportPrinter.print(out, r);
            if (written != null) {
                out.println("HTML report: " + written);
            }
        });
        return 0;
    }
}
