package dev.sam.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.ChatMessage;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.data.ExampleTokenizer;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.data.TrainingRecord;
import dev.sam.train.infer.ChatEngine;
import dev.sam.train.infer.GenerationOptions;
import dev.sam.train.model.TinyModel;
import dev.sam.train.tokenizer.ChatTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token scores from logits against independent computations: the loss equals the native evaluator's
 * ({@link HeldOutLoss}), and "the first answer token is predicted right" equals "greedy generation's
 * first token is the first answer token" (the generator's own arg-max).
 */
class TokenScoresTest {
    @TempDir
    Path tmp;

    @Test
    void lossMatchesTheNativeEvaluatorAndAccuracyMatchesGreedyGeneration() throws Exception {
        Path model = tmp.resolve("tiny");
        TinyModel.write(model, TinyModel.Options.defaults().with(null, null, 256, null), ProgressListener.NONE);
        List<TrainingRecord> records = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            records.add(new TrainingRecord(null, "s", Path.of("x.jsonl"), i, List.of(new ChatMessage("user",
                    "question " + i + " about " + "abcdefghijkl".charAt(i)), new ChatMessage("assistant",
                    (i % 3 == 0 ? "e" : "answer ") + i)), null, null));
        }
        try (ChatEngine e = ChatEngine.open(model, null)) {
            ExampleTokenizer et = new ExampleTokenizer(e.tokenizer(), ChatTemplate.qwen(), 256);
            List<TokenizedExample> ex = et.tokenize(records).examples();
            TokenScores.Score all = TokenScores.Score.ZERO;
            int firstRight = 0;
            int greedyRight = 0;
            for (int i = 0; i < ex.size(); i++) {
                TokenizedExample x = ex.get(i);
                TokenScores.Score s = TokenScores.of(e.model(), null, x);
                all = all.plus(s);
                // the first scored target alone
                byte[] first = new byte[x.length()];
                first[x.offset()] = 1;
                TokenScores.Score f = TokenScores.of(e.model(), null, new TokenizedExample(x.location(), x.tokens(),
                        first, x.offset()));
                firstRight += (int) f.correct();
                List<ChatMessage> prompt = records.get(i).messages().subList(0, 1);
                List<Integer> ids = e.complete(prompt, GenerationOptions.greedy(1)).tokenIds();
                int g = ids.isEmpty() ? -1 : ids.get(0); // -1: it stopped (a stop token is never an answer's first)
                greedyRight += g == x.tokens()[x.offset()] ? 1 : 0;
            }
            HeldOutLoss.Result nat = HeldOutLoss.of(e.model(), null, ex);
            assertEquals(nat.targets(), all.targets());
            assertEquals(nat.loss(), all.loss(), 1e-4 * nat.loss(), "loss from logits = the native evaluator's");
            assertEquals(greedyRight, firstRight, "first-token accuracy = greedy generation's first token");
            assertTrue(all.accuracy() >= 0 && all.accuracy() <= 1);
        }
    }
}
