package dev.sam.bench;

import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.LoraSpec;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.nativelib.NativeTrainer;
import dev.sam.train.nativelib.TokenBatch;
import dev.sam.train.nativelib.TrainSettings;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Child JVM: the native trainer through its Java binding (the product path) — open the model, attach
 * LoRA, create the trainer, then {@code warmup + steps} micro-batches, each followed by an optimizer step.
 * Reports seconds per step, losses and the process' peak RSS.
 *
 * <pre>java dev.sam.bench.NativeTrainRun model=DIR layers=8 rank=4 alpha=8 seq=512 batch=1 steps=3 warmup=1</pre>
 */
public final class NativeTrainRun {
    private NativeTrainRun() {
    }

    public static void main(String[] argv) {
        TrainArgs a = TrainArgs.parse(argv);
        int seq = a.seq();
        int batch = a.batch();
        int steps = a.steps();
        int warmup = a.warmup();
        long seed = a.seed();

        long t0 = System.nanoTime();
        Map<String, Object> res = new LinkedHashMap<>();
        try (NativeModel model = NativeModel.open(a.model());
             LoraAdapters lora = LoraAdapters.create(model, new LoraSpec(a.rank(), (float) a.scale(), 0f, a.layers(),
                     a.targets()), seed)) {
            for (LoraAdapters.Tensor t : lora.tensors()) {
                if (t.name().endsWith("lora_a")) {
                    lora.write(t, BenchData.loraA(t.name(), t.rows(), t.cols(), seed));
                }
            }
            TrainSettings settings = TrainSettings.builder().learningRate(a.lr()).maxBatch(batch).maxSeqLen(seq)
                    .seed(seed).gradClip(a.clip()).gradCheckpoint(a.checkpoint()).build();
            int vocab = model.info().vocabSize();
            byte[] mask = BenchData.fullMask(batch, seq);
            int[] lengths = new int[batch];
            Arrays.fill(lengths, seq);
            try (NativeTrainer trainer = NativeTrainer.create(model, lora, settings)) {
                double setup = (System.nanoTime() - t0) / 1e9;
                System.err.printf("bench: %s, setup %.1f s%n", dev.sam.train.nativelib.NativeKernels.backend(), setup);
                double[] secs = new double[steps];
                double[] cpu = new double[steps];
                double[] losses = new double[warmup + steps];
                double warm = 0;
                long scored = 0;
                for (int i = 0; i < warmup + steps; i++) {
                    TokenBatch b = new TokenBatch(BenchData.tokens(i, batch, seq, vocab, seed), lengths, mask, batch,
                            seq);
                    long s0 = System.nanoTime();
                    long c0 = MachineInfo.processCpuNanos();
                    NativeTrainer.MicroBatchLoss l = trainer.accumulate(b);
                    trainer.apply();
                    double dt = (System.nanoTime() - s0) / 1e9;
                    double dc = (MachineInfo.processCpuNanos() - c0) / 1e9;
                    losses[i] = l.meanLoss();
                    scored = l.targets();
                    if (i < warmup) {
                        warm += dt;
                    } else {
                        secs[i - warmup] = dt;
                        cpu[i - warmup] = dc;
                    }
                    System.err.printf("bench: %s step %d/%d: %.2f s (CPU %.2f s), loss %.5f, load %s%n",
                            i < warmup ? "warm-up" : "timed", i < warmup ? i + 1 : i - warmup + 1,
                            i < warmup ? warmup : steps, dt, dc, l.meanLoss(), MachineInfo.loadAverage());
                }
                res.put("backend", dev.sam.train.nativelib.NativeKernels.backend());
                res.put("setup_s", setup);
                res.put("warmup_s", warm);
                res.put("step_s", secs);
                res.put("step_cpu_s", cpu);
                res.put("losses", losses);
                res.put("tokens_per_step", batch * seq);
                res.put("scored_per_step", scored);
                res.put("num_params", model.info().numParams());
                res.put("lora_params", lora.tensors().stream().mapToLong(LoraAdapters.Tensor::size).sum());
            }
        }
        res.put("peak_rss_bytes", MachineInfo.peakRssBytes());
        ChildJvm.emit(res);
    }
}
