package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.train.run.RunResult;
import dev.sam.train.run.TrainingRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sam force}: train even below the sample threshold. */
@Command(name = "force", description = {
        "Train a LoRA adapter even below the sample threshold.",
        "",
        "Exactly `sam train` without the training.min_samples check (the original",
        "`training_pipeline.py force`). Still needs at least one usable sample.",
        "",
        "Example: sam force --max-steps 50",
        ""})
public final class ForceCommand extends SamSubcommand {
    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        var c = ctx();
        RunResult r = new TrainingRunner(c.home(), c.config(), c.db()).run(options.request(true, null),
                new RunProgress(c.out()));
        c.out().result(r, out -> RunPrinter.run(out, r));
        return 0;
    }
}
