package dev.sam.train.data;

import dev.sam.core.model.ChatMessage;
import dev.sam.train.tokenizer.ChatTemplate;
import dev.sam.train.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns records into token sequences with a loss mask, as mlx-lm's tuner/datasets.py does with
 * {@code mask_prompt}: a chat record is the chat template over all messages; its scored part is the last
 * (assistant) message, starting at offset = token length of the template applied to the earlier messages
 * with the generation prompt added ({@code <|im_start|>assistant\n}), so the answer, its
 * {@code <|im_end|>} and the newline are scored. A text record is its tokens plus the end-of-sequence
 * token when missing (TextDataset), all scored.
 *
 * <p>Sequences longer than {@code maxSeqLength} are cut and counted. mlx-lm cuts the end, which for SAM's
 * typical long sample — a large diff or a long function followed by a short commit message or docstring —
 * removes exactly the answer it should learn. So a chat record whose answer fits in three quarters of the
 * budget keeps its whole answer and loses the middle of its prompt instead (the head keeps the
 * instruction and the start of the input, the tail keeps the template's turn switch to the assistant);
 * other records are cut at the end like mlx-lm, and one whose cut leaves no scored token is dropped.
 *
 * <pre>TokenizedDataset d = new ExampleTokenizer(tokenizer, ChatTemplate.qwen(), 512).tokenize(split.train());</pre>
 */
public final class ExampleTokenizer {
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final int maxSeqLength;

    public ExampleTokenizer(Tokenizer tokenizer, ChatTemplate template, int maxSeqLength) {
        if (maxSeqLength < 2) {
            throw new IllegalArgumentException("max_seq_length must be >= 2");
        }
        this.tokenizer = tokenizer;
        this.template = template;
        this.maxSeqLength = maxSeqLength;
    }

    public TokenizedDataset tokenize(List<TrainingRecord> records) {
        List<TokenizedExample> out = new ArrayList<>();
        int truncated = 0;
        int dropped = 0;
        int longest = 0;
        long tokens = 0;
        long scored = 0;
        for (TrainingRecord r : records) {
            TokenizedExample full = tokenize(r);
            longest = Math.max(longest, full.length());
            TokenizedExample e = full;
            if (full.length() > maxSeqLength) {
                truncated++;
                e = cut(full);
                if (e.scored() == 0) {
                    dropped++;
                    continue;
                }
            }
            out.add(e);
            tokens += e.length();
            scored += e.scored();
        }
        return new TokenizedDataset(List.copyOf(out), maxSeqLength, truncated, dropped, longest, tokens, scored);
    }

    /** Tokens of the prompt's end kept when its middle is cut: enough for "<|im_end|>\n<|im_start|>assistant\n". */
    static final int PROMPT_TAIL = 16;

    /** {@code e} (longer than maxSeqLength) cut to maxSeqLength: the prompt's middle when the answer fits, else the end. */
    TokenizedExample cut(TokenizedExample e) {
        int answer = e.length() - e.offset();
        if (e.offset() > 0 && answer <= maxSeqLength * 3 / 4) {
            int promptBudget = maxSeqLength - answer;
            int tail = Math.min(PROMPT_TAIL, promptBudget / 2);
            int head = promptBudget - tail;
            int[] ids = new int[maxSeqLength];
            System.arraycopy(e.tokens(), 0, ids, 0, head);
            System.arraycopy(e.tokens(), e.offset() - tail, ids, head, tail + answer);
            byte[] mask = new byte[maxSeqLength];
            System.arraycopy(e.mask(), e.offset(), mask, promptBudget, answer);
            return new TokenizedExample(e.location(), ids, mask, promptBudget, e.quality());
        }
        return new TokenizedExample(e.location(), java.util.Arrays.copyOf(e.tokens(), maxSeqLength),
                java.util.Arrays.copyOf(e.mask(), maxSeqLength), Math.min(e.offset(), maxSeqLength), e.quality());
    }

    /** One record, untruncated. */
    public TokenizedExample tokenize(TrainingRecord r) {
        int[] ids;
        int offset;
        if (r.isText()) {
            int[] t = tokenizer.encode(r.text());
            int eos = tokenizer.eosTokenId();
            ids = t.length > 0 && t[t.length - 1] == eos ? t : append(t, eos);
            offset = 0;
        } else {
            List<ChatMessage> m = r.messages();
            ids = tokenizer.encode(template.apply(m, false));
            offset = tokenizer.encode(template.apply(m.subList(0, m.size() - 1), true)).length;
        }
        byte[] mask = new byte[ids.length];
        for (int t = Math.max(1, offset); t < ids.length; t++) {
            mask[t] = 1;
        }
        return new TokenizedExample(r.location(), ids, mask, offset, r.quality());
    }

    private static int[] append(int[] a, int v) {
        int[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }
}
