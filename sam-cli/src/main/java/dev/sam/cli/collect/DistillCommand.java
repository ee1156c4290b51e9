package dev.sam.cli.collect;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.ExitCode;
import picocli.CommandLine.Command;

/** {@code sam distill}: the distillation database (capture, import, stats). */
@Command(name = "distill",
        description = {"Capture, import and count distilled assistant sessions.",
                "A capture is one JSON object with \"prompt\" and \"answer\", and optionally",
                "  \"reasoning\", \"correction\": {\"wrong_answer\", \"explanation\"},",
                "  \"preference\": {\"chosen\", \"rejected\"}, \"domain\", \"quality\" (0..1),",
                "  \"session_id\", \"model\".",
                "Corrections weigh most (1.0) and also become DPO pairs",
                "(training_data/dpo/preference_pairs.jsonl).",
                "",
                "Example:",
                "  echo '{\"prompt\":\"Sort in Go?\",\"answer\":\"sort.Slice\"}' | sam distill capture",
                ""},
        subcommands = {DistillCaptureCommand.class, DistillImportCommand.class, DistillStatsCommand.class})
public final class DistillCommand extends SamSubcommand {
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }
}
