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
 * <p>With {@code dpo=true} each step is a DPO step (issue 16) on one preference pair per micro-batch: batch
 * must be 2 (the chosen and the rejected row, {@code seq} tokens each: "512+512 tokens per pair" in the
 * 8gb profile), the first half of each row a masked prompt; the reference log-probabilities (the frozen
 * base, one no-grad forward of the pair) are computed before the step and timed apart ({@code reference_s}),
 * as the training stage computes them once before its first step.
 *
 * <p>With {@code masked=true} a supervised step scores only the second half of each row (a chat sample whose
 * prompt is masked), so the language-model head and its gradient run over half the positions.
 *
 * <pre>java dev.sam.bench.NativeTrainRun model=DIR layers=8 rank=4 alpha=8 seq=512 batch=1 steps=3 warmup=1 [dpo=true|masked=true]</pre>
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
        boolean dpo = Boolean.parseBoolean(a.all().getOrDefault("dpo", "false"));
        if (dpo && batch != 2) {
            throw new IllegalArgumentException("dpo=true needs batch=2 (one pair: chosen and rejected rows)");
        }

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
                    .seed(seed).gradClip(a.clip()).gradCheckpoint(a.checkpoint())
                    .memoryBudget(Long.parseLong(a.all().getOrDefault("budget", "0"))).build();
            int vocab = model.info().vocabSize();
            byte[] mask = BenchData.fullMask(batch, seq);
            boolean masked = Boolean.parseBoolean(a.all().getOrDefault("masked", "false"));
            if (dpo || masked) { // the prompt half of each row is masked: only the answers are scored
                for (int r = 0; r < batch; r++) {
                    Arrays.fill(mask, r * seq, r * seq + seq / 2, (byte) 0);
                }
            }
            int[] lengths = new int[batch];
            Arrays.fill(lengths, seq);
            try (NativeTrainer trainer = NativeTrainer.create(model, lora, settings)) {
                NativeTrainer.MemoryPlan mp = trainer.plan();
                res.put("rows_per_pass", mp.rowsPerPass());
                res.put("recompute", mp.recompute());
                res.put("planned_bytes", mp.plannedBytes());
                res.put("budget_bytes", mp.budgetBytes());
                System.err.println("bench: memory plan: " + mp.describe());
                double setup = (System.nanoTime() - t0) / 1e9;
                System.err.printf("bench: %s, setup %.1f s%n", dev.sam.train.nativelib.NativeKernels.backend(), setup);
                double[] secs = new double[steps];
                double[] cpu = new double[steps];
                double[] losses = new double[warmup + steps];
                double[] refSecs = new double[warmup + steps];
                double warm = 0;
                long scored = 0;
                for (int i = 0; i < warmup + steps; i++) {
                    TokenBatch b = new TokenBatch(BenchData.tokens(i, batch, seq, vocab, seed), lengths, mask, batch,
                            seq);
                    double[] ref = null;
                    if (dpo) {
                        long r0 = System.nanoTime();
                        double[] sums = dev.sam.train.nativelib.NativeEval.loss(model, null, b).lossSum();
                        ref = new double[] {-sums[0], -sums[1]};
                        refSecs[i] = (System.nanoTime() - r0) / 1e9;
                    }
                    long s0 = System.nanoTime();
                    long c0 = MachineInfo.processCpuNanos();
                    double loss;
                    if (dpo) {
                        loss = trainer.accumulatePreference(b, ref, 0.1f, 0f).meanLoss();
                        scored = 2L * (seq - seq / 2);
                    } else {
                        NativeTrainer.MicroBatchLoss l = trainer.accumulate(b);
                        loss = l.meanLoss();
                        scored = l.targets();
                    }
                    trainer.apply();
                    double dt = (System.nanoTime() - s0) / 1e9;
                    double dc = (MachineInfo.processCpuNanos() - c0) / 1e9;
                    losses[i] = loss;
                    if (i < warmup) {
                        warm += dt;
                    } else {
                        secs[i - warmup] = dt;
                        cpu[i - warmup] = dc;
                    }
                    System.err.printf("bench: %s step %d/%d: %.2f s (CPU %.2f s), loss %.5f, load %s%n",
                            i < warmup ? "warm-up" : "timed", i < warmup ? i + 1 : i - warmup + 1,
                            i < warmup ? warmup : steps, dt, dc, loss, MachineInfo.loadAverage());
                }
                res.put("backend", dev.sam.train.nativelib.NativeKernels.backend());
                res.put("setup_s", setup);
                res.put("warmup_s", warm);
                res.put("step_s", secs);
                res.put("step_cpu_s", cpu);
                res.put("losses", losses);
                if (dpo) {
                    res.put("dpo", true);
                    res.put("reference_s", refSecs);
                }
                res.put("seq", seq);
                res.put("batch", batch);
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
