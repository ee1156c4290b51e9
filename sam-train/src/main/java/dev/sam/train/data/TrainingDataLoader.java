package dev.sam.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import dev.sam.train.tokenizer.ChatTemplate;
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
 * records. A bad line (invalid JSON or UTF-8, unknown format, empty answer, unknown role, a conversation
 * that does not end with the assistant) is skipped and counted with its file:line and reason; it never
 * fails the load. Blank lines are ignored.
 *
 * <pre>LoadedData data = TrainingDataLoader.of(home).load();</pre>
 */
public final class TrainingDataLoader {
    /** How many skipped lines are reported individually (all are counted). */
    public static final int MAX_DETAILS = 50;

    private final Path root;
    private final List<TrainingRecord> records = new ArrayList<>();
    private final Map<String, Long> validBySource = new TreeMap<>();
    private final Map<String, Long> skippedByReason = new TreeMap<>();
    private final List<String> details = new ArrayList<>();
    private int files;
    private long lines;
    private long skipped;
    private long pairs;

    public TrainingDataLoader(Path trainingDataDir) {
        this.root = trainingDataDir;
    }

    public static TrainingDataLoader of(SamHome home) {
        return new TrainingDataLoader(home.trainingData());
    }

    /** Loads all sources under the training-data directory (none yet: an empty result). */
    public LoadedData load() {
        for (Path dir : list(root, Files::isDirectory)) {
            for (Path f : list(dir, p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jsonl"))) {
                readFile(f, dir.getFileName().toString());
            }
        }
        return result();
    }

    /** Loads the given JSONL files as one source (e.g. mlx-lm's train.jsonl). */
    public LoadedData loadFiles(List<Path> jsonl, String source) {
        jsonl.forEach(f -> readFile(f, source));
        return result();
    }

    private LoadedData result() {
        LoadReport r = new LoadReport(files, lines, records.size(), Map.copyOf(validBySource), skipped,
                Map.copyOf(skippedByReason), List.copyOf(details), pairs);
        return new LoadedData(List.copyOf(records), r);
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

    private void readFile(Path file, String source) {
        files++;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int lineNo = 0;
            int b;
            while (true) {
                b = in.read();
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

    private static TrainingRecord parse(JsonNode n, Path file, int line, String source) {
        String id = n.path("id").asText(null);
        Double quality = n.path("quality").isNumber() ? n.get("quality").asDouble() : null;
        if (n.has("messages") || n.has("instruction") || n.has("output")) {
            Sample s;
            try {
                s = Json.mapper().treeToValue(n, Sample.class);
            } catch (IOException | IllegalArgumentException e) {
                throw new Invalid("invalid sample", "invalid sample: " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (!s.isChat() && blank(s.output())) {
                throw new Invalid("empty output", "Alpaca sample has an empty output");
            }
            if (!s.isChat() && blank(s.instruction()) && blank(s.input())) {
                throw new Invalid("empty instruction", "Alpaca sample has neither instruction nor input");
            }
            return new TrainingRecord(id, source, file, line, checkMessages(s.asMessages()), null, quality,
                    SampleKind.of(source, s.meta()));
        }
        if (n.has("prompt") && n.has("completion")) {
            if (!n.get("prompt").isTextual() || !n.get("completion").isTextual()) {
                throw new Invalid("invalid sample", "prompt and completion must be strings");
            }
            List<ChatMessage> m = List.of(new ChatMessage("user", n.get("prompt").asText()),
                    new ChatMessage("assistant", n.get("completion").asText()));
            return new TrainingRecord(id, source, file, line, checkMessages(m), null, quality);
        }
        if (n.has("text")) {
            if (!n.get("text").isTextual() || n.get("text").asText().isBlank()) {
                throw new Invalid("empty text", "text record is empty or not a string");
            }
            return new TrainingRecord(id, source, file, line, null, n.get("text").asText(), quality);
        }
        throw new Invalid("unknown format", "unknown format: expected messages, instruction/output, "
                + "prompt/completion or text");
    }

    private static List<ChatMessage> checkMessages(List<ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw new Invalid("no messages", "chat sample has no messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m == null || m.role() == null || !ChatTemplate.ROLES.contains(m.role())) {
                throw new Invalid("unknown role", "message " + (i + 1) + " has role "
                        + (m == null ? null : "'" + m.role() + "'") + ", expected one of " + ChatTemplate.ROLES);
            }
            if (m.content() == null) {
                throw new Invalid("missing content", "message " + (i + 1) + " (" + m.role() + ") has no content");
            }
        }
        ChatMessage last = messages.get(messages.size() - 1);
        if (!last.role().equals("assistant")) {
            throw new Invalid("no assistant answer", "the last message is from '" + last.role()
                    + "', not the assistant: nothing to learn");
        }
        if (last.content().isBlank()) {
            throw new Invalid("empty output", "the assistant's answer is empty");
        }
        return List.copyOf(messages);
    }

    private void skip(String detail, String reason) {
        skipped++;
        skippedByReason.merge(reason, 1L, Long::sum);
        if (details.size() < MAX_DETAILS) {
            details.add(detail);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
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
