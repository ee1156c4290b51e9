package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.train.run.RunResult;
import dev.sam.train.run.TrainingRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sam train}: train a LoRA adapter when there is enough data. */
@Command(name = "train", description = {
        "Train a LoRA adapter on the collected data, then evaluate it.",
        "",
        "load data -> validate -> 90/10 split -> tokenize (chat template, prompt masked)",
        "-> train (native) -> save adapters -> evaluate -> record. Refuses below",
        "training.min_samples (exit 3; `sam force` trains anyway) and while another run",
        "trains (exit 3, naming it). Flags override config.yaml, which overrides the",
        "profile. Ctrl-C/SIGTERM: checkpoint, run marked failed(interrupted), exit 130;",
        "--resume RUN_ID continues from the checkpoint with the run's own settings.",
        "Preference pairs (training_data/dpo/: corrections, preferences) add a DPO stage",
        "after the supervised one (--method; beta, label smoothing and the reference",
        "model are the profile's dpo settings); its loss, reward accuracy and margin",
        "show per step, and held-out preference accuracy joins the blessing rule.",
        "Files: SAM_HOME/runs/RUN_ID/ (config.json, metrics.jsonl, adapters/, eval.json,",
        "report.html) and SAM_HOME/training_logs/training_RUN_ID.log.",
        "",
        "Examples:",
        "  sam train",
        "  sam train --profile full --epochs 2 --lr 5e-5",
        "  sam train --method sft+dpo",
        "  sam train --resume 20260125_100000",
        ""})
public final class TrainCommand extends SamSubcommand {
    @Mixin
    TrainOptions options;

    @Option(names = "--resume", paramLabel = "RUN_ID", description = "Continue an interrupted run from its last "
            + "checkpoint (same settings, same data: bit-identical to an uninterrupted run).")
    String resume;

    @Override
    public Integer call() {
        var c = ctx();
        RunResult r = new TrainingRunner(c.home(), c.config(), c.db()).run(options.request(false, resume),
                new RunProgress(c.out()));
        c.out().result(r, out -> RunPrinter.run(out, r));
        return 0;
    }
}
