package dev.sam.train.data;

import java.util.List;
import java.util.Map;

/**
 * Chooses the records one run trains on out of everything loaded (before the 90/10 split), and says how
 * many of each kind it took; the counts go into the run's record. {@code sam cycle} uses it to train on
 * the new samples plus a replayed sample of older ones.
 *
 * <pre>RunResult r = new TrainingRunner(home, config, db).selecting(selection).run(request, listener);</pre>
 */
public interface SampleSelection {

    Selected select(List<TrainingRecord> loaded);

    /** The chosen records and, per kind (e.g. {@code samples_new}), how many of them. */
    record Selected(List<TrainingRecord> records, Map<String, Integer> counts) {
        public Selected {
            records = List.copyOf(records);
            counts = Map.copyOf(counts);
        }
    }
}
