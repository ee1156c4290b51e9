package dev.sam.train.data;

import java.util.List;

/**
 * The records that can be trained on, the DPO preference pairs (for the preference stage), and the report
 * of how they were loaded.
 */
public record LoadedData(List<TrainingRecord> records, LoadReport report, List<PreferenceRecord> pairs) {

    public LoadedData {
        pairs = pairs == null ? List.of() : List.copyOf(pairs);
    }

    /** The same pairs and report with other supervised records (a selection, a mix). */
    public LoadedData withRecords(List<TrainingRecord> other) {
        return new LoadedData(other, report, pairs);
    }
}
