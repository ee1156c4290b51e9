package dev.sam.train.data;

import dev.sam.core.SamException;
import dev.sam.core.model.ChatMessage;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Texts to train a tokenizer on, from files or directories: {@code .jsonl} files are read as training
 * samples (every message's text; SAM_HOME/training_data works as is), other files as UTF-8 text (files
 * that are not valid UTF-8 are skipped). At most {@link #MAX_CHARS} characters are used, so training a
 * tokenizer stays a matter of seconds.
 *
 * <pre>List&lt;String&gt; texts = CorpusReader.read(List.of(Path.of("docs"), home.trainingData()));</pre>
 */
public final class CorpusReader {
    public static final long MAX_CHARS = 16L << 20;

    private CorpusReader() {
    }

    public static List<String> read(List<Path> paths) {
        List<String> out = new ArrayList<>();
        long[] chars = {0};
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw SamException.usage("corpus path " + p + " does not exist", "give existing files or directories");
            }
            List<Path> files;
            try (Stream<Path> s = Files.walk(p)) {
                files = s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                        .sorted().toList();
            } catch (IOException e) {
                throw SamException.failure("cannot read corpus " + p + ": " + e.getMessage(), "check its permissions");
            }
            for (Path f : files) {
                if (chars[0] >= MAX_CHARS) {
                    return out;
                }
                if (f.getFileName().toString().endsWith(".jsonl")) {
                    LoadedData d = new TrainingDataLoader(f.getParent()).loadFiles(List.of(f), "corpus");
                    for (TrainingRecord r : d.records()) {
                        add(out, chars, r.isText() ? List.of(r.text()) : r.messages().stream().map(ChatMessage::content)
                                .toList());
                    }
                } else {
                    text(f).ifPresent(t -> add(out, chars, List.of(t)));
                }
            }
        }
        return out;
    }

    private static void add(List<String> out, long[] chars, List<String> texts) {
        for (String t : texts) {
            if (t != null && chars[0] < MAX_CHARS) {
                out.add(t);
                chars[0] += t.length();
            }
        }
    }

    private static java.util.Optional<String> text(Path f) {
        try {
            byte[] b = Files.readAllBytes(f);
            return java.util.Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString());
        } catch (CharacterCodingException e) {
            return java.util.Optional.empty();
        } catch (IOException e) {
            throw SamException.failure("cannot read corpus file " + f + ": " + e.getMessage(), "check its permissions");
        }
    }
}
