package dev.sam.collect.export;

import dev.sam.collect.Source;
import dev.sam.collect.quality.SampleText;
import dev.sam.collect.store.JsonlReader;
import dev.sam.collect.store.Records;
import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Manifest;
import dev.sam.core.model.PreferencePair;
import dev.sam.core.model.Sample;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.sample.SampleOrigin;
import dev.sam.core.split.OriginSplit;
import dev.sam.core.store.ManifestFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code sam data export}: the committed samples as train/valid files, split by {@link OriginSplit} — the
 * rule training uses (by origin, 90/10 by default), so the exported valid.jsonl holds exactly the samples
 * SAM holds out, no origin has samples on both sides, and an origin keeps its side however often the
 * data is re-collected or re-exported. DPO pairs go to dpo_train/dpo_valid by the same rule.
 *
 * <pre>ExportReport r = new ExportService(home).export(ExportFormat.MLX, Path.of("data"), Set.of(), 10, progress);</pre>
 */
public final class ExportService {
    private final SamHome home;

    public ExportService(SamHome home) {
        this.home = home;
    }

    /** A sample or pair on its way out: its line, its split key, its source. */
    private record Row(String json, String key, String source) {
    }

    public ExportReport export(ExportFormat format, Path out, Set<Source> sources, int validPercent,
                               ProgressListener progress) {
        if (validPercent < 1 || validPercent > 50) {
            throw SamException.usage("--valid-percent must be from 1 to 50, got " + validPercent, null);
        }
        Manifest m = new ManifestFile(home.manifest()).read();
        if (m.totalSamples() == 0) {
            throw SamException.notReady("there are no samples to export in " + home.trainingData(),
                    "run `sam collect` first");
        }
        List<Row> samples = new ArrayList<>();
        List<Row> pairs = new ArrayList<>();
        long[] skipped = {0};
        progress.start("export", m.totalSamples() + m.preferencePairs());
        for (Map.Entry<String, Manifest.DataFile> f : m.files().entrySet()) {
            String rel = f.getKey();
            boolean pairFile = Records.isPairFile(rel);
            Source src = Source.ofDir(rel.substring(0, rel.indexOf('/')));
            // DPO pairs come from distillation: exported with it
            Source owner = pairFile ? Source.DISTILL : src;
            if (!sources.isEmpty() && (owner == null || !sources.contains(owner))) {
                continue;
            }
            read(rel, f.getValue().bytes(), format, pairFile ? pairs : samples, skipped);
            progress.update(samples.size() + pairs.size(), null);
        }
        if (samples.isEmpty()) {
            throw SamException.notReady("no samples of the chosen sources to export", "check --source");
        }
        List<String> written = new ArrayList<>();
        long[] split = write(out, "train.jsonl", "valid.jsonl", samples, validPercent, written);
        long[] dpo = pairs.isEmpty() ? new long[2] : write(out, "dpo_train.jsonl", "dpo_valid.jsonl", pairs,
                validPercent, written);
        Map<String, Long> bySource = new TreeMap<>();
        samples.forEach(r -> bySource.merge(r.source(), 1L, Long::sum));
        ExportReport report = new ExportReport(format.id(), out.toAbsolutePath().toString(), validPercent, split[0],
                split[1], dpo[0], dpo[1], skipped[0], bySource, written);
        try {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("exported_at", Times.now());
            info.put("manifest_updated_at", m.updatedAt());
            info.put("report", report);
            AtomicFiles.writeJson(out.resolve("export.json"), info);
        } catch (IOException e) {
            throw SamException.failure("cannot write " + out.resolve("export.json") + ": " + e.getMessage(), null);
        }
        progress.finish(split[0] + " train, " + split[1] + " valid");
        return report;
    }

    private void read(String rel, long committed, ExportFormat format, List<Row> into, long[] skipped) {
        Path file = home.trainingData().resolve(rel);
        boolean pairFile = Records.isPairFile(rel);
        try {
            JsonlReader.read(file, 0, committed, (no, text, end) -> {
                SampleText t = text == null ? null : Records.text(rel, text);
                if (t == null) {
                    skipped[0]++;
                    return;
                }
                String json;
                String key;
                if (pairFile) {
                    PreferencePair p = pair(text);
                    json = pairLine(p);
                    // a pair's session (from its meta) is its origin: it lands with the session's samples
                    key = OriginSplit.origin(SampleOrigin.of(new Sample(null, null, null, null, null, null, null, null,
                            p.meta())), List.of(new ChatMessage("user", p.prompt()), new ChatMessage("assistant",
                            p.chosen())), null);
                } else {
                    Sample s = Records.sample(text);
                    json = ExportLines.line(s, format);
                    key = OriginSplit.origin(SampleOrigin.of(s), s.asMessages(), null);
                }
                into.add(new Row(json, key, rel.substring(0, rel.indexOf('/'))));
            });
        } catch (IOException e) {
            throw SamException.failure("cannot read " + file + ": " + e.getMessage(), "check its permissions");
        }
    }

    private static PreferencePair pair(String text) {
        try {
            return Json.mapper().readValue(text, PreferencePair.class);
        } catch (IOException e) {
            throw new IllegalStateException("a pair that parsed once no longer parses", e);
        }
    }

    private static String pairLine(PreferencePair p) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("prompt", p.prompt());
        m.put("chosen", p.chosen());
        m.put("rejected", p.rejected());
        return Json.write(m);
    }

    /** Writes both sides atomically; returns {train, valid} counts. */
    private static long[] write(Path out, String trainName, String validName, List<Row> rows, int validPercent,
                                List<String> written) {
        OriginSplit.Result<Row> split = new OriginSplit(validPercent / 100.0).split(rows, Row::key);
        StringBuilder train = new StringBuilder();
        StringBuilder val = new StringBuilder();
        split.train().forEach(r -> train.append(r.json()).append('\n'));
        split.valid().forEach(r -> val.append(r.json()).append('\n'));
        try {
            Files.createDirectories(out);
            AtomicFiles.writeString(out.resolve(trainName), train.toString());
            AtomicFiles.writeString(out.resolve(validName), val.toString());
        } catch (IOException e) {
            throw SamException.failure("cannot write to " + out + ": " + e.getMessage(),
                    "check that the directory is writable and has free space");
        }
        written.add(out.resolve(trainName).toAbsolutePath().toString());
        written.add(out.resolve(validName).toAbsolutePath().toString());
        return new long[] {split.train().size(), split.valid().size()};
    }
}
