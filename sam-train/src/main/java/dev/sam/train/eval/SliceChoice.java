package dev.sam.train.eval;

import dev.sam.core.home.SamHome;
import dev.sam.core.split.OriginSplit;
import dev.sam.train.data.TrainingRecord;
import dev.sam.train.data.PreparedData;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which examples an evaluation compares versions on: the frozen {@link BenchmarkSlice} (frozen now from
 * the current validation split when there is none yet, or on request), minus any slice sample that is
 * in the training data now — which only a changed split rule can cause, and which would make the
 * comparison optimistic, so it is dropped and said. Null when nothing is held out.
 */
record SliceChoice(BenchmarkSlice slice, List<TrainingRecord> records, boolean frozenNow) {

    static SliceChoice resolve(SamHome home, int size, PreparedData data, boolean refresh, List<String> notes) {
        BenchmarkSlice s = refresh ? null : BenchmarkSlice.load(home);
        boolean frozen = false;
        if (s == null) {
            s = data.heldOutIsTrain() ? null : BenchmarkSlice.freeze(home, data.validRecords(), size);
            if (s == null) {
                notes.add("no benchmark slice: no sample is held out by the split rule yet (collect more data)");
                return null;
            }
            frozen = true;
            notes.add("benchmark slice " + s.id() + " frozen now: " + s.samples().size() + " of " + s.heldOutAtFreeze()
                    + " held-out samples (" + home.benchmarkSlice() + ")");
        }
        Set<String> train = new HashSet<>();
        data.trainRecords().forEach(r -> train.add(r.normalizedContent()));
        List<TrainingRecord> records = s.records(home).stream()
                .filter(r -> !train.contains(OriginSplit.contentKey(r.messages(), r.text()))).toList();
        int leaked = s.samples().size() - records.size();
        if (leaked > 0) {
            notes.add(leaked + " sample(s) of benchmark slice " + s.id() + " are in the training data now and were left"
                    + " out; refresh the slice with --refresh-slice");
        }
        if (records.isEmpty()) {
            notes.add("every sample of benchmark slice " + s.id() + " is in the training data now");
            return null;
        }
        return new SliceChoice(s, records, frozen);
    }
}
