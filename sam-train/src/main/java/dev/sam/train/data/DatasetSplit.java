package dev.sam.train.data;

import dev.sam.core.split.OriginSplit;
import java.util.List;

/**
 * The train/validation split of training records: {@link OriginSplit} (grouped by origin, stable as data
 * grows — the one rule SAM splits by) applied to each record's {@link TrainingRecord#origin()}.
 *
 * <pre>DatasetSplit.Result s = new DatasetSplit(0.1).split(records);</pre>
 */
public final class DatasetSplit {
    private final OriginSplit rule;

    public DatasetSplit(double validFraction) {
        this.rule = new OriginSplit(validFraction);
    }

    /** The 90/10 split. */
    public static DatasetSplit standard() {
        return new DatasetSplit(OriginSplit.STANDARD_FRACTION);
    }

    /** Train and validation records, each in input order. */
    public record Result(List<TrainingRecord> train, List<TrainingRecord> valid, boolean adjusted) {
    }

    public Result split(List<TrainingRecord> records) {
        OriginSplit.Result<TrainingRecord> r = rule.split(records, TrainingRecord::origin);
        return new Result(r.train(), r.valid(), r.adjusted());
    }

    /** Whether the record's origin is held out by the hash rule alone (never by an adjustment). */
    public boolean isValidation(TrainingRecord r) {
        return rule.isHeldOut(r.origin());
    }

    /** The split hash of a record. */
    public static long hash(TrainingRecord r) {
        return OriginSplit.hash(r.origin());
    }
}
