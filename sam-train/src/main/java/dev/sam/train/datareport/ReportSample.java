package dev.sam.train.datareport;

import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import dev.sam.train.data.SampleKind;
import dev.sam.train.data.TrainingRecord;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.sample.CommittedData;
import dev.sam.core.sample.SampleOrigin;
import dev.sam.core.sample.SampleReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One stored sample as the report sees it: source, kind, template, prompt and answer, and the record
 * the trainer would load from it. Read from every {@code training_data/<source>/*.jsonl} in name order,
 * up to collect's commit point, as the training loader reads them (preference pairs and lines it would
 * skip are not samples).
 */
record ReportSample(Sample sample, String source, String kind, String template, String prompt, String answer,
                    TrainingRecord record) {

    private static final int TEMPLATE_CHARS = 80;

    /** Every sample up to collect's commit point (as the trainer reads them: {@link SampleReader}). */
    static List<ReportSample> readAll(Path trainingData, Path collectLock) throws IOException {
        List<ReportSample> out = new ArrayList<>();
        if (!Files.isDirectory(trainingData)) {
            return out;
        }
        try (CommittedData committed = CommittedData.open(trainingData, collectLock)) {
            for (Path dir : list(trainingData, true)) {
                String dirName = dir.getFileName().toString();
                if (dirName.equals("dpo")) {
                    continue;
                }
                for (Path f : list(dir, false)) {
                    long limit = committed.readable(f);
                    if (limit != CommittedData.UNCOMMITTED) {
                        read(f, dirName, limit, out);
                    }
                }
            }
        }
        return out;
    }

    private static void read(Path f, String dir, long limit, List<ReportSample> out) throws IOException {
        String source = SampleKind.sourceName(dir);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(f)) {
            bytes = limit == CommittedData.WHOLE ? in.readAllBytes() : in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE));
        }
        int no = 0;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n", -1)) {
            no++;
            Sample s = parse(line);
            if (s == null) {
                continue;
            }
            List<ChatMessage> m = s.asMessages();
            StringBuilder prompt = new StringBuilder();
            for (ChatMessage c : m.subList(0, m.size() - 1)) {
                prompt.append(prompt.length() == 0 ? "" : "\n\n").append(c.content() == null ? "" : c.content());
            }
            String kind = SampleKind.of(source, s.meta());
            out.add(new ReportSample(s, source, kind, template(s, prompt.toString()), prompt.toString(),
                    m.get(m.size() - 1).content(), new TrainingRecord(s.id(), dir, f, no, m, null, s.quality(),
                    SampleOrigin.of(s), kind)));
        }
    }

    private static Sample parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(line);
            if (n == null || !n.isObject() || !SampleReader.isSample(n)) {
                return null;
            }
            SampleReader.Read r = SampleReader.read(n);
            return r != null && r.ok() ? r.sample() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The template a sample was generated from ({@code meta.template}, recorded by sam collect), else its
     * first prompt line with the parts that vary masked: code spans, quoted text and numbers.
     */
    static String template(Sample s, String prompt) {
        Object t = s.meta() == null ? null : s.meta().get("template");
        return t instanceof String str && !str.isBlank() ? str : masked(prompt);
    }

    /** The first prompt line with code spans, quoted text and numbers masked, at most 80 characters. */
    static String masked(String prompt) {
        String first = prompt.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip()
                .replaceAll("`[^`]*`", "`…`").replaceAll("\"[^\"]*\"", "\"…\"").replaceAll("\\d+", "N");
        return first.length() > TEMPLATE_CHARS ? first.substring(0, TEMPLATE_CHARS) + "…" : first;
    }

    private static List<Path> list(Path dir, boolean dirs) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> dirs ? Files.isDirectory(p) : p.getFileName().toString().endsWith(".jsonl")
                            && Files.isRegularFile(p))
                    .sorted().toList();
        }
    }
}
