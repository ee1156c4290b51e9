package dev.sam.train.datareport;

import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import dev.sam.train.data.SampleKind;
import dev.sam.train.data.TrainingRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One stored sample as the report sees it: source, kind, template, prompt and answer, and the record
 * the trainer would load from it. Read from every {@code training_data/<source>/*.jsonl} in name order
 * (as the training loader reads them; preference pairs and unusable lines are not samples).
 */
record ReportSample(Sample sample, String source, String kind, String template, String prompt, String answer,
                    TrainingRecord record) {

    private static final int TEMPLATE_CHARS = 80;

    static List<ReportSample> readAll(Path trainingData) throws IOException {
        List<ReportSample> out = new ArrayList<>();
        if (!Files.isDirectory(trainingData)) {
            return out;
        }
        for (Path dir : list(trainingData, true)) {
            String dirName = dir.getFileName().toString();
            if (dirName.equals("dpo")) {
                continue;
            }
            for (Path f : list(dir, false)) {
                read(f, dirName, out);
            }
        }
        return out;
    }

    private static void read(Path f, String dir, List<ReportSample> out) throws IOException {
        String source = SampleKind.sourceName(dir);
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                Sample s = parse(line);
                if (s == null) {
                    continue;
                }
                List<ChatMessage> m = s.asMessages();
                ChatMessage last = m.get(m.size() - 1);
                if (!"assistant".equals(last.role()) || last.content() == null || last.content().isBlank()) {
                    continue;
                }
                StringBuilder prompt = new StringBuilder();
                for (ChatMessage c : m.subList(0, m.size() - 1)) {
                    prompt.append(prompt.length() == 0 ? "" : "\n\n").append(c.content() == null ? "" : c.content());
                }
                String kind = SampleKind.of(source, s.meta());
                out.add(new ReportSample(s, source, kind, template(s, prompt.toString()), prompt.toString(),
                        last.content(), new TrainingRecord(s.id(), dir, f, no, m, null, s.quality(), kind)));
            }
        } catch (java.nio.charset.MalformedInputException e) {
            // a file with invalid UTF-8: the trainer skips its bad lines; the report counts what it could read
        }
    }

    private static Sample parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            Sample s = Json.mapper().readValue(line, Sample.class);
            boolean ok = s.isChat() ? !s.messages().isEmpty() : s.output() != null && !s.output().isBlank();
            return ok ? s : null;
        } catch (IOException | IllegalArgumentException e) {
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
