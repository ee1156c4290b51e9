package dev.sam.train.data;

import java.util.List;

/** The records that can be trained on and the report of how they were loaded. */
public record LoadedData(List<TrainingRecord> records, LoadReport report) {
}
