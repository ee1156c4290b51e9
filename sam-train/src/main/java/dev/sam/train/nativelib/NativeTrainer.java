package dev.sam.train.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.DoubleByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Path;

/**
 * Trains the LoRA tensors of {@link LoraAdapters} on a {@link NativeModel}: accumulate micro-batches,
 * then apply one AdamW step. Not thread-safe: one thread drives a trainer.
 *
 * <pre>
 * try (NativeTrainer t = NativeTrainer.create(model, adapters, settings)) {
 *     for (TokenBatch b : microBatches) t.accumulate(b);
 *     StepStats s = t.apply();
 * }</pre>
 */
public final class NativeTrainer implements AutoCloseable {
    /** Loss of one micro-batch: mean over its scored targets. */
    public record MicroBatchLoss(double meanLoss, long targets) {
    }

    /** What an optimizer step did. */
    public record StepStats(long step, float learningRate, float gradNorm, int microBatches) {
    }

    /**
     * The memory plan the trainer chose ({@code sam_trainer_plan}): rows of a micro-batch per forward/backward
     * pass (fewer than the batch: the micro-batch runs in passes, same loss and gradient), whether layers are
     * recomputed in backward, the bytes planned (model files + adapters + optimizer + activations) and the
     * budget it was chosen within (0: none).
     */
    public record MemoryPlan(int rowsPerPass, boolean recompute, long plannedBytes, long budgetBytes) {
        /** True when even one row per pass exceeds the budget. */
        public boolean overBudget() {
            return budgetBytes > 0 && plannedBytes > budgetBytes;
        }

        /** "2 rows per pass, layers recomputed in backward, 5.12 GB planned (budget 5.50 GB)". */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "%d row%s per pass, %s, %.2f GB planned%s", rowsPerPass,
                    rowsPerPass == 1 ? "" : "s", recompute ? "layers recomputed in backward" : "activations kept (no recomputation)",
                    plannedBytes / 1e9, budgetBytes > 0 ? String.format(java.util.Locale.ROOT, " (budget %.2f GB)", budgetBytes / 1e9) : "");
        }
    }

    private Pointer handle;
    private long budget;

    private NativeTrainer(Pointer handle) {
        this.handle = handle;
    }

    public static NativeTrainer create(NativeModel model, LoraAdapters adapters, TrainSettings settings) {
        PointerByReference out = new PointerByReference();
        Natives.check(Natives.lib().sam_trainer_create(model.handle(), adapters.handle(), settings.toStruct(), out),
                "create the trainer");
        NativeTrainer t = new NativeTrainer(out.getValue());
        t.budget = settings.memoryBudget();
        return t;
    }

    public MemoryPlan plan() {
        IntByReference rows = new IntByReference();
        IntByReference ckpt = new IntByReference();
        LongByReference bytes = new LongByReference();
        Natives.check(Natives.lib().sam_trainer_plan(handle(), rows, ckpt, bytes), "read the trainer's memory plan");
        return new MemoryPlan(rows.getValue(), ckpt.getValue() != 0, bytes.getValue(), budget);
    }

    public MicroBatchLoss accumulate(TokenBatch b) {
        DoubleByReference loss = new DoubleByReference();
        LongByReference n = new LongByReference();
        Natives.check(Natives.lib().sam_train_accumulate(handle(), b.tokens(), b.lengths(), b.lossMask(), b.batch(),
                b.seqLen(), loss, n), "run a training step");
        return new MicroBatchLoss(loss.getValue(), n.getValue());
    }

    /**
     * The same with a weight per row: row b's loss counts {@code weights[b]} times (the micro-batch loss is
     * {@code Σ w_b·CE_b / n}, n all its scored targets); a row of weight 0 adds nothing. See SampleWeights.
     */
    public MicroBatchLoss accumulate(TokenBatch b, float[] weights) {
        if (weights.length != b.batch()) {
            throw new IllegalArgumentException(weights.length + " weights for " + b.batch() + " rows");
        }
        DoubleByReference loss = new DoubleByReference();
        LongByReference n = new LongByReference();
        Natives.check(Natives.lib().sam_train_accumulate_weighted(handle(), b.tokens(), b.lengths(), b.lossMask(),
                weights, b.batch(), b.seqLen(), loss, n), "run a weighted training step");
        return new MicroBatchLoss(loss.getValue(), n.getValue());
    }

    /** Loss of one preference micro-batch and the trained policy's log-probability of each row. */
    public record PreferenceLoss(double meanLoss, double[] policyLogp) {
    }

    /**
     * One DPO micro-batch (Rafailov et al. 2023, TRL's sigmoid loss with label smoothing): row 2p is pair
     * p's chosen completion, row 2p+1 its rejected one, the prompt masked; {@code refLogp[r]} is the
     * reference policy's log-probability of row r (see {@link NativeEval#loss}: minus its loss sum).
     */
    public PreferenceLoss accumulatePreference(TokenBatch b, double[] refLogp, float beta, float labelSmoothing) {
        if (refLogp.length != b.batch()) {
            throw new IllegalArgumentException(refLogp.length + " reference log-probabilities for " + b.batch() + " rows");
        }
        DoubleByReference loss = new DoubleByReference();
        double[] policy = new double[b.batch()];
        Natives.check(Natives.lib().sam_train_accumulate_dpo(handle(), b.tokens(), b.lengths(), b.lossMask(), refLogp,
                b.batch(), b.seqLen(), beta, labelSmoothing, loss, policy), "run a preference (DPO) training step");
        return new PreferenceLoss(loss.getValue(), policy);
    }

    public StepStats apply() {
        SamTrainLibrary.StepStatsStruct s = new SamTrainLibrary.StepStatsStruct();
        Natives.check(Natives.lib().sam_train_apply(handle(), s), "apply the optimizer step");
        return new StepStats(s.step, s.learning_rate, s.grad_norm, s.micro_batches);
    }

    /** The accumulated gradient of one LoRA tensor (averaged over micro-batches as apply() would). */
    public float[] gradient(LoraAdapters.Tensor t) {
        float[] out = new float[t.size()];
        Natives.check(Natives.lib().sam_trainer_read_grad(handle(), t.index(), out), "read the gradient of " + t.name());
        return out;
    }

    public long step() {
        return Natives.lib().sam_trainer_step(handle());
    }

    public void saveCheckpoint(Path file) {
        Natives.check(Natives.lib().sam_checkpoint_save(handle(), file.toAbsolutePath().toString()),
                "save checkpoint " + file);
    }

    public void loadCheckpoint(Path file) {
        Natives.check(Natives.lib().sam_checkpoint_load(handle(), file.toAbsolutePath().toString()),
                "load checkpoint " + file);
    }

    private Pointer handle() {
        if (handle == null) {
            throw new IllegalStateException("trainer is closed");
        }
        return handle;
    }

    @Override
    public synchronized void close() {
        if (handle != null) {
            Natives.lib().sam_trainer_free(handle);
            handle = null;
        }
    }
}
