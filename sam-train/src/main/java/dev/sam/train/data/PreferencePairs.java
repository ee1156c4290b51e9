package dev.sam.train.data;

import dev.sam.core.split.OriginSplit;
import dev.sam.train.tokenizer.ChatTemplate;
import dev.sam.train.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The preference pairs of a run, ready for the DPO stage: checked, tokenized with the chat template and
 * split by origin like the supervised samples ({@link OriginSplit}). A pair that cannot teach a
 * preference is counted by reason and skipped with a warning, never trained on: a missing or empty
 * prompt, chosen or rejected answer; identical answers (no preference to learn); a prompt that leaves no
 * room for an answer within max_seq_length. An answer longer than the room left is cut at the end (TRL
 * truncates the completion the same way), keeping the whole prompt.
 *
 * @param heldOutIsTrain true when no pair was held out (a handful of pairs): held-out preference accuracy
 *                       is then measured on the training pairs and says so
 */
public record PreferencePairs(List<PreferenceExample> train, List<PreferenceExample> valid, boolean heldOutIsTrain,
                              Map<String, Integer> skipped, List<String> skippedDetails) {
    public static final String EMPTY = "empty prompt, chosen or rejected";
    public static final String IDENTICAL = "identical chosen and rejected";
    public static final String PROMPT_TOO_LONG = "prompt exceeds max_seq_length";

    public PreferencePairs {
        train = List.copyOf(train);
        valid = List.copyOf(valid);
        skipped = Map.copyOf(skipped);
        skippedDetails = List.copyOf(skippedDetails);
    }

    public static PreferencePairs none() {
        return new PreferencePairs(List.of(), List.of(), false, Map.of(), List.of());
    }

    public boolean isEmpty() {
        return train.isEmpty();
    }

    /** The pairs held-out preference accuracy is measured on (the training ones when none is held out). */
    public List<PreferenceExample> heldOut() {
        return heldOutIsTrain ? train : valid;
    }

    public int skippedTotal() {
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** What to tell the user: the skipped pairs by reason, with the first few named. */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        if (!skipped.isEmpty()) {
            out.add(skippedTotal() + " preference pair(s) skipped (" + new TreeMap<>(skipped).entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", ")) + "); first: "
                    + String.join("; ", skippedDetails));
        }
        if (heldOutIsTrain && !train.isEmpty()) {
            out.add("no preference pair is held out: with " + train.size() + " pair(s) the split left the held-out"
                    + " side empty, so preference accuracy is measured on the training pairs (fit, not generalization)");
        }
        return out;
    }

    /** Checks, tokenizes and splits {@code pairs}; rows never exceed {@code maxSeqLength} tokens. */
    public static PreferencePairs prepare(List<PreferenceRecord> pairs, Tokenizer tok, int maxSeqLength,
                                          double validFraction) {
        ExampleTokenizer et = new ExampleTokenizer(tok, ChatTemplate.qwen(), maxSeqLength);
        Map<String, Integer> skipped = new TreeMap<>();
        List<String> details = new ArrayList<>();
        List<PreferenceExample> ok = new ArrayList<>();
        for (PreferenceRecord p : pairs) {
            String why = p.prompt() == null || p.prompt().isBlank() || p.chosen() == null || p.chosen().isBlank()
                    || p.rejected() == null || p.rejected().isBlank() ? EMPTY
                    : p.chosen().strip().equals(p.rejected().strip()) ? IDENTICAL : null;
            PreferenceExample e = null;
            if (why == null) {
                TokenizedExample c = et.tokenize(p.asRecord(p.chosen()));
                TokenizedExample r = et.tokenize(p.asRecord(p.rejected()));
                if (c.offset() >= maxSeqLength - 1 || r.offset() >= maxSeqLength - 1) {
                    why = PROMPT_TOO_LONG;
                } else {
                    e = new PreferenceExample(p.location(), p.origin(), cutEnd(c, maxSeqLength), cutEnd(r, maxSeqLength));
                }
            }
            if (why != null) {
                skipped.merge(why, 1, Integer::sum);
                if (details.size() < 3) {
                    details.add(p.location() + ": " + why);
                }
                continue;
            }
            ok.add(e);
        }
        OriginSplit.Result<PreferenceExample> split = new OriginSplit(validFraction).split(ok, PreferenceExample::origin);
        boolean heldOutIsTrain = split.valid().isEmpty();
        return new PreferencePairs(split.train(), split.valid(), heldOutIsTrain, skipped, details);
    }

    /** The row cut to {@code max} tokens at the end (the prompt fits, so at least one answer token stays scored). */
    private static TokenizedExample cutEnd(TokenizedExample e, int max) {
        if (e.length() <= max) {
            return e;
        }
        return new TokenizedExample(e.location(), Arrays.copyOf(e.tokens(), max), Arrays.copyOf(e.mask(), max),
                e.offset(), e.quality());
    }
}
