package dev.sam.cli.collect;

import dev.sam.cli.SamSubcommand;
import dev.sam.collect.Source;
import dev.sam.collect.export.ExportFormat;
import dev.sam.collect.export.ExportReport;
import dev.sam.collect.export.ExportService;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sam data export}. */
@Command(name = "export", sortOptions = false,
        description = {"Write train/valid files of the collected samples to a directory.",
                "DIR gets train.jsonl and valid.jsonl (and dpo_train.jsonl / dpo_valid.jsonl",
                "for preference pairs), plus export.json.",
                "The split is the one training uses: by origin (90/10 by default), so no",
                "origin has samples on both sides and a sample keeps its side however often",
                "the data is re-collected. Formats:",
                "  alpaca  {instruction, input, output}",
                "  chat    {messages} + id, source, quality (TRL's SFTTrainer)",
                "  mlx     {messages} only (mlx_lm.lora --data DIR)",
                "",
                "Example:",
                "  sam data export --format mlx --out ~/sam-data",
                "  mlx_lm.lora --model <base> --train --data ~/sam-data",
                ""})
public final class DataExportCommand extends SamSubcommand {
    @Option(names = "--format", required = true, paramLabel = "FORMAT", completionCandidates = Formats.class,
            description = "alpaca, chat or mlx.")
    String format;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write (created if absent).")
    Path out;

    @Option(names = {"-s", "--source"}, split = ",", paramLabel = "SOURCE",
            description = "Only these sources (commits, code, docs, distill, routing); default all.")
    List<String> sources = List.of();

    @Option(names = "--valid-percent", paramLabel = "N", defaultValue = "10",
            description = "Share of samples in valid.jsonl, 1..50 (default: ${DEFAULT-VALUE}).")
    int validPercent;

    @Override
    public Integer call() {
        var c = ctx();
        Set<Source> chosen = EnumSet.noneOf(Source.class);
        sources.stream().map(String::strip).filter(s -> !s.equalsIgnoreCase("all")).map(Source::parse).forEach(chosen::add);
        ExportReport r = new ExportService(c.home()).export(ExportFormat.parse(format), out, chosen, validPercent,
                c.out().progress());
        c.out().result(r, o -> {
            o.printf("exported %d train + %d valid samples (%s) to %s%n", r.train(), r.valid(), r.format(), r.out());
            if (r.dpoTrain() + r.dpoValid() > 0) {
                o.printf("and %d + %d preference pairs (dpo_train.jsonl, dpo_valid.jsonl)%n", r.dpoTrain(), r.dpoValid());
            }
            o.println("by source: " + ReportPrinter.reasons(r.bySource()));
            if (r.skipped() > 0) {
                o.println("skipped " + r.skipped() + " line(s) that are not usable samples");
            }
        });
        return 0;
    }

    /** Completion candidates of --format. */
    static final class Formats implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("alpaca", "chat", "mlx").iterator();
        }
    }
}
