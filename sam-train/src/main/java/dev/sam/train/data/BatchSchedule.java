package dev.sam.train.data;

/**
 * The endless, seeded sequence of training micro-batches of a run: batch {@code index} is a pure function of
 * the data, the settings and the index, so a resumed run sees exactly the batches it would have seen.
 * {@link BatchIterator} (length-grouped, shuffled per epoch) and {@link CompetenceCurriculum} (easy to hard).
 */
public interface BatchSchedule {
    /** The batch at position {@code index}. */
    Batch batch(long index);

    /** Batches that make one pass over the data (for epoch numbers and progress). */
    int batchesPerEpoch();
}
