package dev.sam.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.ChatMessage;
import dev.sam.train.tokenizer.ChatTemplate;
import dev.sam.train.tokenizer.SpecialTokens;
import dev.sam.train.tokenizer.TestTokenizers;
import dev.sam.train.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prompt masking as mlx-lm's ChatDataset/CompletionsDataset with mask_prompt, truncation counted. */
class ExampleTokenizerTest {
    @TempDir
    static Path dir;
    static Tokenizer tok;

    @BeforeAll
    static void load() throws Exception {
        tok = Tokenizer.load(TestTokenizers.write(dir, 256));
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    static TrainingRecord chat(ChatMessage... m) {
        return new TrainingRecord("id", "src", Path.of("f.jsonl"), 3, List.of(m), null, null);
    }

    static ChatMessage m(String role, String content) {
        return new ChatMessage(role, content);
    }

    @Test
    void onlyTheLastAssistantMessageIsScored() {
        ExampleTokenizer et = new ExampleTokenizer(tok, ChatTemplate.qwen(), 4096);
        List<ChatMessage> msgs = List.of(m("user", "What is 2+2?"), m("assistant", "Four."), m("user", "And 3+3?"),
                m("assistant", "Six, of course."));
        TokenizedExample e = et.tokenize(chat(msgs.toArray(ChatMessage[]::new)));
        int[] full = tok.encode(ChatTemplate.qwen().apply(msgs, false));
        int[] prompt = tok.encode(ChatTemplate.qwen().apply(msgs.subList(0, 3), true));
        assertArrayEquals(full, e.tokens());
        assertEquals(prompt.length, e.offset());
        assertArrayEquals(prompt, Arrays.copyOf(full, prompt.length), "the prompt tokenizes as a prefix");
        for (int t = 0; t < full.length; t++) {
            assertEquals(t >= prompt.length ? 1 : 0, e.mask()[t], "mask at " + t);
        }
        int[] scored = Arrays.copyOfRange(full, e.offset(), full.length);
        assertEquals("Six, of course." + SpecialTokens.IM_END + "\n", tok.decode(scored));
        assertEquals(scored.length, e.scored());
    }

    @Test
    void textRecordsGetTheEndTokenAndAreScoredWhole() {
        ExampleTokenizer et = new ExampleTokenizer(tok, ChatTemplate.qwen(), 4096);
        TrainingRecord r = new TrainingRecord(null, "s", Path.of("f"), 1, null, "just some text", null);
        TokenizedExample e = et.tokenize(r);
        assertEquals(tok.eosTokenId(), e.tokens()[e.length() - 1]);
        assertEquals(0, e.mask()[0]);
        assertEquals(e.length() - 1, e.scored());
    }

    @Test
    void truncationIsCountedAndAnswerlessCutsAreDropped() {
        TrainingRecord shortOne = chat(m("user", "hi"), m("assistant", "hello"));
        TrainingRecord longAnswer = chat(m("user", "hi"), m("assistant", "word ".repeat(200)));
        TrainingRecord longBoth = chat(m("user", "word ".repeat(200)), m("assistant", "word ".repeat(200)));
        ExampleTokenizer full = new ExampleTokenizer(tok, ChatTemplate.qwen(), 4096);
        int prompt = full.tokenize(longAnswer).offset();
        int max = prompt + 10;
        TokenizedDataset d = new ExampleTokenizer(tok, ChatTemplate.qwen(), max)
                .tokenize(List.of(shortOne, longAnswer, longBoth));
        assertEquals(2, d.examples().size());
        assertEquals(2, d.truncated());
        assertEquals(1, d.droppedNoTargets());
        TokenizedExample cut = d.examples().get(1);
        assertEquals(max, cut.length());
        assertEquals(10, cut.scored(), "an answer longer than 3/4 of the budget is cut at the end, like mlx-lm");
        assertEquals(full.tokenize(longBoth).length(), d.longest());
        assertTrue(d.truncationWarning().contains("2 sequence(s) longer than max_seq_length " + max));
        assertEquals(d.examples().stream().mapToLong(TokenizedExample::scored).sum(), d.scoredTokens());
    }

    @Test
    void aLongPromptLosesItsMiddleAndKeepsTheWholeAnswer() {
        // a big diff and a short commit message: cutting the end (mlx-lm) would drop the message
        TrainingRecord r = chat(m("user", "Write the commit message for this change.\n\n" + "+ line of diff\n".repeat(300)),
                m("assistant", "parser: accept ISO dates with offsets"));
        TokenizedExample whole = new ExampleTokenizer(tok, ChatTemplate.qwen(), 8192).tokenize(r);
        int answer = whole.length() - whole.offset();
        // a roomy budget, and the tightest one that still keeps the answer (3/4 of it)
        for (int max : new int[] {128, (answer * 4 + 2) / 3}) {
            assertTrue(answer <= max * 3 / 4, "max " + max);
            TokenizedDataset d = new ExampleTokenizer(tok, ChatTemplate.qwen(), max).tokenize(List.of(r));
            assertEquals(1, d.examples().size());
            assertEquals(1, d.truncated());
            assertEquals(0, d.droppedNoTargets());
            TokenizedExample e = d.examples().get(0);
            assertEquals(max, e.length());
            assertEquals(max - answer, e.offset());
            assertEquals(whole.scored(), e.scored(), "the whole answer is still scored");
            int tail = Math.min(ExampleTokenizer.PROMPT_TAIL, e.offset() / 2);
            int head = e.offset() - tail;
            assertTrue(head >= 1 && tail >= 1, "max " + max);
            assertArrayEquals(Arrays.copyOf(whole.tokens(), head), Arrays.copyOf(e.tokens(), head), "instruction kept");
            assertArrayEquals(Arrays.copyOfRange(whole.tokens(), whole.offset() - tail, whole.length()),
                    Arrays.copyOfRange(e.tokens(), head, max), "turn switch and answer kept");
            for (int t = 0; t < max; t++) {
                assertEquals(t >= e.offset() ? 1 : 0, e.mask()[t], "mask at " + t);
            }
        }
    }
}
