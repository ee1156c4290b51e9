package dev.sam.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.model.Fim;
import dev.sam.core.model.Sample;
import dev.sam.core.sample.CommittedData;
import dev.sam.core.sample.SampleOrigin;
import dev.sam.core.sample.SampleReader;
import dev.sam.train.tokenizer.SpecialTokens;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads every {@code SAM_HOME/training_data/<source>/*.jsonl} (sources and files in name order) into
 * {@link TrainingRecord}s. Accepted lines: SAM samples in Alpaca ({@code instruction, input, output}) or
 * chat ({@code messages}) form, and mlx-lm's {@code {"prompt", "completion"}} and {@code {"text"}}
 * records. A fill-in-the-middle sample of the code collector ({@code meta.task = "fim"}) is read as plain
 * text — its PSM prompt, the middle, {@code <|endoftext|>} — so it trains the layout editors ask for. A bad line (invalid JSON or UTF-8, unknown format, empty answer, unknown role, a conversation
 * that does not end with the assistant) is skipped and counted with its file:line and reason; it never
 * fails the load. Blank lines are ignored. Lines are read as sam-collect stores them ({@link SampleReader},
 * {@code SampleValidator.shape}), and only up to collect's commit point ({@link CommittedData}): a batch a
 * running collection has appended but not committed is never read.
 *
 * <pre>LoadedData data = TrainingDataLoader.of(home).load();</pre>
 */
public final class TrainingDataLoader {
    /** How many skipped lines are reported individually (all are counted). */
    public static final int MAX_DETAILS = 50;

    private final Path root;
    private final Path collectLock;
    private final List<TrainingRecord> records = new ArrayList<>();
    private final Map<String, Long> validBySource = new TreeMap<>();
    private final Map<String, Long> skippedByReason = new TreeMap<>();
    private final List<String> details = new ArrayList<>();
    private int files;
    private long lines;
    private long skipped;
    private long pairs;
    private final List<PreferenceRecord> pairRecords = new ArrayList<>();

    /** A loader of a training-data directory no collection writes to (a copy, a test fixture). */
    public TrainingDataLoader(Path trainingDataDir) {
        this(trainingDataDir, null);
    }

    private TrainingDataLoader(Path trainingDataDir, Path collectLock) {
        this.root = trainingDataDir;
        this.collectLock = collectLock;
    }

    public static TrainingDataLoader of(SamHome home) {
        return new TrainingDataLoader(home.trainingData(), home.lockFile(CommittedData.COLLECT_LOCK));
    }

    /** Loads all sources under the training-data directory (none yet: an empty result), as far as committed. */
    public LoadedData load() {
        try (CommittedData committed = CommittedData.open(root, collectLock)) {
            for (Path dir : list(root, Files::isDirectory)) {
                for (Path f : list(dir, p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jsonl"))) {
                    long limit = committed.readable(f);
                    if (limit == CommittedData.UNCOMMITTED) {
                        files++;
                        skip(f + ": not committed yet by the collection running now; the next train reads it",
                                "uncommitted file");
                    } else {
                        readFile(f, dir.getFileName().toString(), limit);
                    }
                }
            }
        }
        return result();
    }

    /** Loads the given JSONL files as one source (e.g. mlx-lm's train.jsonl). */
    public LoadedData loadFiles(List<Path> jsonl, String source) {
        jsonl.forEach(f -> readFile(f, source, CommittedData.WHOLE));
        return result();
    }

    private LoadedData result() {
        LoadReport r = new LoadReport(files, lines, records.size(), Map.copyOf(validBySource), skipped,
                Map.copyOf(skippedByReason), List.copyOf(details), pairs);
        return new LoadedData(List.copyOf(records), r, pairRecords);
    }

    private static List<Path> list(Path dir, java.util.function.Predicate<Path> keep) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(keep).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private void readFile(Path file, String source, long limit) {
        files++;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int lineNo = 0;
            long left = limit == CommittedData.WHOLE ? Long.MAX_VALUE : limit;
            int b;
            while (true) {
                b = left-- > 0 ? in.read() : -1;
                if (b == '\n' || b < 0) {
                    if (b >= 0 || line.size() > 0) {
                        lineNo++;
                        handle(file, lineNo, line.toByteArray(), source);
                    }
                    line.reset();
                    if (b < 0) {
                        break;
                    }
                } else {
                    line.write(b);
                }
            }
        } catch (IOException e) {
            skip(file + ": cannot read the file: " + e.getMessage(), "unreadable file");
        }
    }

    private void handle(Path file, int lineNo, byte[] bytes, String source) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            lines++;
            skip(file + ":" + lineNo + ": not valid UTF-8", "invalid UTF-8");
            return;
        }
        if (text.isBlank()) {
            return;
        }
        lines++;
        JsonNode node;
        try {
            node = Json.mapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            skip(file + ":" + lineNo + ": invalid JSON (" + e.getOriginalMessage() + ")", "invalid JSON");
            return;
        }
        if (node == null || !node.isObject()) {
            skip(file + ":" + lineNo + ": not a JSON object", "not a JSON object");
            return;
        }
        if (node.has("chosen") && node.has("rejected")) {
            pairs++;
            JsonNode origin = node.path("origin").isTextual() ? node.get("origin") : node.path("meta").path("origin");
            pairRecords.add(new PreferenceRecord(file + ":" + lineNo, text(node, "prompt"), text(node, "chosen"),
                    text(node, "rejected"), origin.isTextual() ? origin.asText() : null));
            return;
        }
        try {
            TrainingRecord r = parse(node, file, lineNo, source);
            records.add(r);
            validBySource.merge(source, 1L, Long::sum);
        } catch (Invalid e) {
            skip(file + ":" + lineNo + ": " + e.getMessage(), e.reason);
        }
    }

    /**
     * The text a FIM sample trains on: PSM prompt, middle, {@code <|endoftext|>} — plain text like the paper
     * (Bavarian et al. 2022, §3), no chat template, so the adapter learns the layout editors send.
     */
    public static String fimText(Sample s) {
        return s.instruction() + s.output() + SpecialTokens.ENDOFTEXT;
    }

    /** A fill-in-the-middle sample of the code collector: meta.task "fim", the PSM prompt as instruction. */
    public static boolean isFim(Sample s) {
        return !s.isChat() && s.meta() != null && "fim".equals(s.meta().get("task")) && s.instruction() != null
                && s.instruction().startsWith(Fim.PREFIX);
    }

    private static TrainingRecord parse(JsonNode n, Path file, int line, String source) {
        if (SampleReader.isSample(n)) {
            SampleReader.Read r = SampleReader.read(n);
            if (!r.ok()) {
                throw new Invalid(r.problem().label(), r.problem().message());
            }
            if (isFim(r.sample())) {
                return new TrainingRecord(r.sample().id(), source, file, line, null, fimText(r.sample()),
                        r.sample().quality(), SampleOrigin.of(r.sample()));
            }
            return new TrainingRecord(r.sample().id(), source, file, line, List.copyOf(r.sample().asMessages()), null,
                    r.sample().quality(), SampleOrigin.of(r.sample()), SampleKind.of(source, r.sample().meta()));
        }
        if (n.has("text")) {
            if (!n.get("text").isTextual() || n.get("text").asText().isBlank()) {
                throw new Invalid("empty text", "text record is empty or not a string");
            }
            Double quality = n.path("quality").isNumber() ? n.get("quality").asDouble() : null;
            return new TrainingRecord(n.path("id").asText(null), source, file, line, null, n.get("text").asText(),
                    quality, n.path("origin").isTextual() ? n.get("origin").asText() : null);
        }
        throw new Invalid("unknown format", "unknown format: expected messages, instruction/output, "
                + "prompt/completion or text");
    }

    /** A string field, or null when it is missing or not a string (the preference stage counts such pairs). */
    private static String text(JsonNode n, String field) {
        return n.path(field).isTextual() ? n.get(field).asText() : null;
    }

    private void skip(String detail, String reason) {
        skipped++;
        skippedByReason.merge(reason, 1L, Long::sum);
        if (details.size() < MAX_DETAILS) {
            details.add(detail);
        }
    }

    /** A line that is not a usable sample; {@code reason} is the category it is counted under. */
    private static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String reason;

        Invalid(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
