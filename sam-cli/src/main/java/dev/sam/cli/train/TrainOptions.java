package dev.sam.cli.train;

import dev.sam.train.run.TrainRequest;
import picocli.CommandLine.Option;

/** The settings flags of `sam train` and `sam force`; each overrides config.yaml and the profile. */
final class TrainOptions {
    @Option(names = "--profile", paramLabel = "NAME", description = "Training profile: 8gb (default), full, or one "
            + "defined under training.profiles in config.yaml.")
    String profile;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training data.")
    Integer epochs;

    @Option(names = "--lr", paramLabel = "X", description = "Learning rate, e.g. 1e-4.")
    Double lr;

    @Option(names = "--max-seq", paramLabel = "N", description = "Maximum tokens per sample (longer ones are cut and"
            + " counted).")
    Integer maxSeq;

    @Option(names = "--batch-size", paramLabel = "N", description = "Samples per micro-batch.")
    Integer batchSize;

    @Option(names = "--grad-accum", paramLabel = "N", description = "Micro-batches per optimizer step.")
    Integer gradAccum;

    @Option(names = "--max-steps", paramLabel = "N", description = "Stop after N optimizer steps (0: by epochs).")
    Integer maxSteps;

    @Option(names = "--base", paramLabel = "NAME", description = "Base model (a name under SAM_HOME/models/base, see "
            + "`sam models`).")
    String base;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the adapter init, dropout and batch order.")
    Long seed;

    @Option(names = "--method", paramLabel = "M", description = "sft (supervised only), dpo (preference pairs only)"
            + " or sft+dpo (supervised, then DPO from its adapters, one run with two stages). Default: sft+dpo when"
            + " training_data/dpo/ holds usable preference pairs, else sft.")
    String method;

    TrainRequest request(boolean force, String resume) {
        return TrainRequest.builder().profile(profile).epochs(epochs).learningRate(lr).maxSeqLength(maxSeq)
                .batchSize(batchSize).gradAccum(gradAccum).maxSteps(maxSteps).baseModel(base).seed(seed).force(force)
                .method(method).resumeRunId(resume).build();
    }
}
