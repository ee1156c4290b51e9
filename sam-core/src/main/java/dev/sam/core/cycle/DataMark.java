package dev.sam.core.cycle;

import dev.sam.core.model.Manifest;
import java.util.Map;
import java.util.TreeMap;

/**
 * How far the collected data reached at one moment: per JSONL file under training_data (path relative to
 * it) the committed bytes and records of the manifest. sam-collect only ever appends whole batches and
 * commits them by writing the manifest, so everything past a mark's length was collected after it.
 * Preference pairs (and the pairs that corrections become) live under {@code dpo/}.
 *
 * <pre>long fresh = DataMark.of(manifest).newSamplesSince(state.blessedMark());</pre>
 */
public record DataMark(Map<String, Manifest.DataFile> files) {
    private static final String PAIRS_DIR = "dpo/";

    public DataMark {
        files = files == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(files));
    }

    public static DataMark of(Manifest m) {
        return new DataMark(m.files());
    }

    public static DataMark empty() {
        return new DataMark(Map.of());
    }

    /** Samples committed after {@code earlier} (null: before anything, so all of them are new). */
    public long newSamplesSince(DataMark earlier) {
        return since(earlier, false);
    }

    /** Preference pairs (from corrections and explicit preferences) committed after {@code earlier}. */
    public long newPairsSince(DataMark earlier) {
        return since(earlier, true);
    }

    /** Committed bytes of a file at this mark (0 when it did not exist yet). */
    public long bytes(String relativePath) {
        Manifest.DataFile f = files.get(relativePath);
        return f == null ? 0 : f.bytes();
    }

    private long since(DataMark earlier, boolean pairs) {
        long n = 0;
        for (Map.Entry<String, Manifest.DataFile> e : files.entrySet()) {
            if (e.getKey().startsWith(PAIRS_DIR) != pairs) {
                continue;
            }
            Manifest.DataFile before = earlier == null ? null : earlier.files().get(e.getKey());
            // a file shorter than at the mark was rewritten: its records are not new work
            long was = before == null ? 0 : before.bytes() > e.getValue().bytes() ? e.getValue().records()
                    : before.records();
            n += Math.max(0, e.getValue().records() - was);
        }
        return n;
    }
}
