package dev.sam.train.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The deterministic train/validation split (docs/formats.md, "Exports"): a record goes to validation when the SHA-256
 * of its {@link TrainingRecord#normalizedContent()} falls in the lowest {@code validFraction} of the hash
 * space. The decision depends on the record's content only — not on ids, order, timestamps or the rest
 * of the data — so re-collecting never moves a sample across the split, and normalized duplicates
 * always land on the same side. With at least two records neither side is left empty: the record with
 * the lowest (or highest) hash moves over, and {@link Result#adjusted()} says so.
 *
 * <pre>DatasetSplit.Result s = new DatasetSplit(0.1).split(records);</pre>
 */
public final class DatasetSplit {
    private final double validFraction;

    public DatasetSplit(double validFraction) {
        if (!(validFraction > 0 && validFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + validFraction);
        }
        this.validFraction = validFraction;
    }

    /** The 90/10 split. */
    public static DatasetSplit standard() {
        return new DatasetSplit(0.1);
    }

    /** Train and validation records, each in input order. */
    public record Result(List<TrainingRecord> train, List<TrainingRecord> valid, boolean adjusted) {
    }

    public Result split(List<TrainingRecord> records) {
        List<TrainingRecord> train = new ArrayList<>();
        List<TrainingRecord> valid = new ArrayList<>();
        for (TrainingRecord r : records) {
            (isValidation(r) ? valid : train).add(r);
        }
        boolean adjusted = false;
        if (records.size() >= 2 && (valid.isEmpty() || train.isEmpty())) {
            List<TrainingRecord> from = valid.isEmpty() ? train : valid;
            Comparator<TrainingRecord> byHash = Comparator.comparing(DatasetSplit::hash, Long::compareUnsigned);
            TrainingRecord move = valid.isEmpty() ? from.stream().min(byHash).orElseThrow()
                    : from.stream().max(byHash).orElseThrow();
            from.remove(move);
            (valid.isEmpty() ? valid : train).add(move);
            adjusted = true;
        }
        return new Result(List.copyOf(train), List.copyOf(valid), adjusted);
    }

    /** Whether the record belongs to the validation side (by content hash alone). */
    public boolean isValidation(TrainingRecord r) {
        // The top 53 bits as a fraction in [0, 1).
        double u = (hash(r) >>> 11) * 0x1.0p-53;
        return u < validFraction;
    }

    /** First 8 bytes of SHA-256(normalized content), big-endian. */
    public static long hash(TrainingRecord r) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(r.normalizedContent()
                    .getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
