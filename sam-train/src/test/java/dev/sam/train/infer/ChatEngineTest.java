package dev.sam.train.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.SamException;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.model.TinyModel;
import dev.sam.train.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ChatEngine on the tiny model: results consistent with the tokenizer, streaming pieces that never
 * split a character and add up to the answer, many concurrent requests on one model with the same
 * answers as one at a time, seeded sampling, clear errors, close().
 */
class ChatEngineTest {
    static final List<ChatMessage> HI = List.of(new ChatMessage("user", "Write a haiku about Java."));

    @TempDir
    static Path tmp;
    static Path model;
    static ChatEngine engine;

    @BeforeAll
    static void open() throws Exception {
        model = TinyModel.write(tmp.resolve("tiny"), TinyModel.Options.defaults().with(null, null, 256, null),
                ProgressListener.NONE).dir();
        engine = ChatEngine.open(model, null);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void completionMatchesTheTokenizer() {
        Completion c = engine.complete(HI, GenerationOptions.greedy(12));
        assertEquals(12, c.completionTokens());
        assertEquals("length", c.finishReason());
        assertTrue(c.promptTokens() > 20, "system prompt + user turn + generation prompt");
        int[] ids = c.tokenIds().stream().mapToInt(Integer::intValue).toArray();
        assertEquals(engine.tokenizer().decode(ids, true), c.text());
        assertTrue(c.tokensPerSecond() > 0);
    }

    @Test
    void streamedPiecesNeverSplitACharacterAndAddUp() {
        Tokenizer tok = engine.tokenizer();
        String text = "naïve café — 日本語のテキスト 🙂🚀 ok";
        IncrementalDecoder d = new IncrementalDecoder(tok);
        StringBuilder all = new StringBuilder();
        int pieces = 0;
        for (int id : tok.encode(text)) {
            String p = d.add(id);
            assertFalse(p.contains("\uFFFD"), "no broken character in '" + p + "'");
            all.append(p);
            pieces += p.isEmpty() ? 0 : 1;
        }
        all.append(d.finish());
        assertEquals(text, all.toString());
        assertTrue(pieces > 5, "pieces come as tokens complete, not all at the end");

        List<String> streamed = new ArrayList<>();
        Completion c = engine.stream(HI, GenerationOptions.greedy(20), streamed::add);
        assertEquals(c.text(), String.join("", streamed));
    }

    @Test
    void concurrentRequestsShareTheModel() throws Exception {
        GenerationOptions o = GenerationOptions.greedy(16);
        String alone = engine.complete(HI, o).text();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> f = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                f.add(pool.submit(() -> engine.complete(HI, o).text()));
            }
            for (Future<String> x : f) {
                assertEquals(alone, x.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void samplingIsSeeded() {
        GenerationOptions a = new GenerationOptions(16, 8.0, 1.0, 7);
        assertEquals(engine.complete(HI, a).text(), engine.complete(HI, a).text());
        assertNotEquals(engine.complete(HI, a).tokenIds(),
                engine.complete(HI, new GenerationOptions(16, 8.0, 1.0, 8)).tokenIds());
    }

    @Test
    void badOptionsAndClosedEngine() throws Exception {
        assertThrows(SamException.class, () -> new GenerationOptions(0, 0, 1, 0));
        assertThrows(SamException.class, () -> new GenerationOptions(5, -1, 1, 0));
        SamException tooLong = assertThrows(SamException.class, () -> engine.complete(HI,
                GenerationOptions.greedy(32768)));
        assertTrue(tooLong.getMessage().contains("exceeds the model's context"), tooLong.getMessage());
        ChatEngine e = ChatEngine.open(model, null);
        e.close();
        e.close();
        assertThrows(IllegalStateException.class, () -> e.complete(HI, GenerationOptions.greedy(2)));
    }

    @Test
    void enginesShareOneBaseModelUntilTheLastCloses() {
        String alone = engine.complete(HI, GenerationOptions.greedy(12)).text();
        LoadedBase base = LoadedBase.open(model);
        ChatEngine a = ChatEngine.open(base, null);
        ChatEngine b = ChatEngine.open(base, null);
        base.close(); // the engines hold their own references
        assertTrue(a.model() == b.model(), "one native model for both engines");
        a.close();
        assertEquals(alone, b.complete(HI, GenerationOptions.greedy(12)).text(), "still usable after a closed");
        b.close();
        assertThrows(IllegalStateException.class, base::retain, "freed with the last engine");
    }

    /**
     * Issue 23 "Long prompts": the work of streaming is linear in the tokens — the decoder decodes a bounded window
     * per token, even when the model emits bytes that never form a character (there the window would otherwise
     * grow with every token: quadratic).
     */
    @Test
    void incrementalDecodingDoesBoundedWorkPerToken() {
        Tokenizer tok = engine.tokenizer();
        int[] e = tok.encode("é");
        assertEquals(2, e.length, "the tiny vocabulary spells é as its two UTF-8 bytes");
        for (int n : new int[] {500, 2000}) {
            IncrementalDecoder stray = new IncrementalDecoder(tok);
            IncrementalDecoder text = new IncrementalDecoder(tok);
            int[] words = tok.encode("the quick brown fox jumps over the lazy dog ".repeat(n / 9 + 1));
            for (int i = 0; i < n; i++) {
                stray.add(e[0]); // a lead byte again and again: never a character
                text.add(words[i]);
            }
            stray.finish();
            text.finish();
            long bound = 2L * (2 * IncrementalDecoder.MAX_PENDING + 2) * n + n;
            assertTrue(stray.decodedTokens() <= bound, n + " stray bytes decoded " + stray.decodedTokens() + " tokens");
            assertTrue(text.decodedTokens() <= bound, n + " tokens decoded " + text.decodedTokens() + " tokens");
            assertTrue(stray.text().startsWith("\uFFFD"), "stray bytes come out as U+FFFD");
        }
    }

    @Test
    void streamWhileStopsWhereTheCallerSaysWithoutASecondTokenization() {
        List<String> pieces = new java.util.ArrayList<>();
        Completion c = engine.streamWhile(HI, GenerationOptions.greedy(20), p -> {
            pieces.add(p);
            return pieces.size() < 2;
        });
        assertEquals("stop", c.finishReason());
        assertEquals(2, pieces.size());
        assertEquals(String.join("", pieces), c.text());
        assertEquals(engine.complete(HI, GenerationOptions.greedy(1)).promptTokens(), c.promptTokens());
    }

    @Test
    void aPromptOverTheContextIsRefusedBeforeAnyPrefill() {
        int context = dev.sam.train.model.ModelConfig.load(model.resolve("config.json")).maxPositionEmbeddings();
        String huge = "a".repeat(context + 10); // one token per 'a' in the tiny vocabulary
        dev.sam.core.SamException x = assertThrows(dev.sam.core.SamException.class,
                () -> engine.complete(List.of(new ChatMessage("user", huge)), GenerationOptions.greedy(4)));
        assertTrue(x.getMessage().contains("exceeds the model's context of " + context + " tokens"), x.getMessage());
        assertEquals(dev.sam.core.ExitCode.USAGE, x.exitCode());
    }
}
