package dev.sam.cycle;

import dev.sam.core.SamException;
import dev.sam.core.cycle.DataMark;
import dev.sam.train.data.SampleSelection;
import dev.sam.train.data.TrainingRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The records of one cycle's run: every sample committed since the last blessed run ({@code before}) up to
 * now ({@code now}), plus {@code ratio} times as many older samples drawn with a seeded shuffle, so the
 * adapter keeps what it learned before (experience replay, as in continual-learning rehearsal: Robins 1995,
 * "Catastrophic forgetting, rehearsal and pseudorehearsal"). A record is placed by its file and line:
 * sam-collect appends whole lines and commits them in the manifest, so line {@code n} of a file is older
 * than a mark when the mark's committed bytes of that file hold at least {@code n} lines. Lines past
 * {@code now} (a batch still being written) are left out.
 *
 * <pre>Selected s = new ReplaySelection(home.trainingData(), state.blessedMark(), DataMark.of(manifest), 1.0, 42).select(records);</pre>
 */
public final class ReplaySelection implements SampleSelection {
    public static final String NEW = "samples_new";
    public static final String REPLAYED = "samples_replayed";
    public static final String OLD_AVAILABLE = "samples_old_available";

    private final Path trainingData;
    private final DataMark before;
    private final DataMark now;
    private final double ratio;
    private final long seed;

    public ReplaySelection(Path trainingData, DataMark before, DataMark now, double ratio, long seed) {
        this.trainingData = trainingData;
        this.before = before == null ? DataMark.empty() : before;
        this.now = now;
        this.ratio = ratio;
        this.seed = seed;
    }

    @Override
    public Selected select(List<TrainingRecord> loaded) {
        Map<Path, long[]> lines = new HashMap<>();
        List<TrainingRecord> fresh = new ArrayList<>();
        List<TrainingRecord> old = new ArrayList<>();
        for (TrainingRecord r : loaded) {
            long[] l = lines.computeIfAbsent(r.file(), this::committedLines);
            if (r.line() <= l[0]) {
                old.add(r);
            } else if (r.line() <= l[1]) {
                fresh.add(r);
            }
        }
        old.sort(Comparator.comparing((TrainingRecord r) -> r.file().toString()).thenComparingInt(TrainingRecord::line));
        Collections.shuffle(old, new Random(seed));
        int replay = (int) Math.min(old.size(), Math.round(fresh.size() * ratio));
        List<TrainingRecord> chosen = new ArrayList<>(fresh);
        chosen.addAll(old.subList(0, replay));
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put(NEW, fresh.size());
        counts.put(REPLAYED, replay);
        counts.put(OLD_AVAILABLE, old.size());
        return new Selected(chosen, counts);
    }

    /** Lines of {@code file} committed at the earlier mark and now. */
    private long[] committedLines(Path file) {
        String rel = trainingData.relativize(file).toString().replace('\\', '/');
        long beforeBytes = before.bytes(rel);
        long nowBytes = now.bytes(rel);
        if (beforeBytes > nowBytes) {
            beforeBytes = nowBytes; // rewritten since: what is there now was known before
        }
        return new long[] {newlines(file, beforeBytes), newlines(file, nowBytes)};
    }

    private static long newlines(Path file, long bytes) {
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            long left = bytes;
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    break;
                }
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        n++;
                    }
                }
                left -= r;
            }
        } catch (IOException e) {
            throw SamException.failure("cannot read " + file + ": " + e.getMessage(), "check the file's permissions");
        }
        return n;
    }
}
