package dev.sam.train.eval;

import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.split.OriginSplit;
import dev.sam.train.data.DatasetSplit;
import dev.sam.train.data.TrainingDataLoader;
import dev.sam.train.data.TrainingRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The frozen benchmark slice ({@code SAM_HOME/eval/benchmark_slice.json}): up to {@code eval.slice_size}
 * held-out samples, copied whole when first needed and kept until {@code sam eval --refresh-slice}, so
 * that "v1.0.3 beats v1.0.2" is measured on the same examples night after night however the data grows.
 * Only samples the split rule holds out by itself ({@link DatasetSplit#isValidation}) are taken, the
 * sources in turn (each in split-hash order) so every source is represented. Its id is a hash of its
 * samples: numbers of one id are comparable.
 *
 * @param samples the frozen samples (messages, or text for mlx-lm text records)
 */
public record BenchmarkSlice(String id, String createdAt, int heldOutAtFreeze, List<Item> samples) {

    /** One frozen sample. */
    public record Item(String source, String location, List<ChatMessage> messages, String text) {
        TrainingRecord record(Path file, int line) {
            return new TrainingRecord(null, source, file, line, messages, text, null);
        }
    }

    /** The slice as training records (file:line points into the slice file). */
    public List<TrainingRecord> records(SamHome home) {
        List<TrainingRecord> out = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            out.add(samples.get(i).record(home.benchmarkSlice(), i + 1));
        }
        return out;
    }

    /** The stored slice, or null when none was frozen yet. */
    public static BenchmarkSlice load(SamHome home) {
        Path f = home.benchmarkSlice();
        try {
            BenchmarkSlice s = Json.mapper().readValue(Files.readString(f, StandardCharsets.UTF_8), BenchmarkSlice.class);
            if (s.id() == null || s.samples() == null || s.samples().isEmpty()) {
                throw new IOException("no id or no samples");
            }
            return s;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw SamException.failure("the benchmark slice " + f + " is damaged (" + e.getMessage().lines().findFirst()
                    .orElse("") + ")", "freeze a new one with `sam eval RUN_ID --refresh-slice` (numbers measured on"
                    + " the old slice are then no longer compared)");
        }
    }

    /** {@code sam eval --refresh-slice}: a new slice from the current data's held-out samples (null: none). */
    public static BenchmarkSlice refresh(SamHome home, int size) {
        List<TrainingRecord> all = TrainingDataLoader.of(home).load().records();
        return freeze(home, DatasetSplit.standard().split(all).valid(), size);
    }

    /** Freezes a new slice from the held-out records and stores it; null when none is held out by the rule. */
    public static BenchmarkSlice freeze(SamHome home, List<TrainingRecord> heldOut, int size) {
        DatasetSplit rule = DatasetSplit.standard();
        Map<String, Deque<TrainingRecord>> bySource = new TreeMap<>();
        heldOut.stream().filter(rule::isValidation)
                .sorted(Comparator.comparing(DatasetSplit::hash, Long::compareUnsigned))
                .forEach(r -> bySource.computeIfAbsent(r.source(), k -> new ArrayDeque<>()).add(r));
        int available = bySource.values().stream().mapToInt(Deque::size).sum();
        if (available == 0) {
            return null;
        }
        List<Item> items = new ArrayList<>();
        while (items.size() < Math.min(size, available)) {
            for (Deque<TrainingRecord> q : bySource.values()) {
                if (!q.isEmpty() && items.size() < size) {
                    TrainingRecord r = q.poll();
                    items.add(new Item(r.source(), r.location(), r.messages(), r.text()));
                }
            }
        }
        BenchmarkSlice s = new BenchmarkSlice(id(items), Times.now(), available, List.copyOf(items));
        try {
            Files.createDirectories(home.evalDir());
            AtomicFiles.writeJson(home.benchmarkSlice(), s);
        } catch (IOException e) {
            throw SamException.failure("cannot write the benchmark slice " + home.benchmarkSlice() + ": "
                    + e.getMessage(), "check free disk space and permissions of SAM_HOME");
        }
        return s;
    }

    private static String id(List<Item> items) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Item i : items) {
                d.update(OriginSplit.contentKey(i.messages(), i.text()).getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            return HexFormat.of().formatHex(d.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
