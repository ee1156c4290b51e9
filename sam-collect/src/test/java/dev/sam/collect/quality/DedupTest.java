package dev.sam.collect.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.collect.Reasons;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exact and near-duplicate detection: near pairs collapse, distinct samples stay. */
class DedupTest {
    private static final String[] WORDS = ("the a parser reads tokens from input and builds tree nodes for each"
            + " expression while tracking line numbers column offsets errors warnings scopes symbols types values"
            + " functions methods classes modules imports exports cache index file path buffer stream writer reader"
            + " lock thread queue event handler request response status code message retry timeout limit").split(" ");

    @Test
    void nearDuplicatesCollapseAndDistinctSamplesStay() {
        Random r = new Random(7);
        DedupIndex index = new DedupIndex(0.85);
        List<Sample> originals = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            originals.add(sample(paragraph(r, 120), paragraph(r, 80)));
        }
        for (Sample s : originals) {
            assertNull(check(index, s), "200 random paragraphs are all distinct");
            add(index, s);
        }
        int collapsed = 0;
        for (Sample s : originals) {
            // one word in ~60 changed: Jaccard of the 3-gram sets stays above 0.9
            Sample near = sample(edit(s.instruction(), r, 2), edit(s.output(), r, 1));
            if (Reasons.NEAR_DUPLICATE.equals(check(index, near))) {
                collapsed++;
            }
        }
        assertTrue(collapsed >= 196, "near-duplicates collapsed: " + collapsed + "/200");
        int keptDistinct = 0;
        for (int i = 0; i < 200; i++) {
            if (check(index, sample(paragraph(r, 120), paragraph(r, 80))) == null) {
                keptDistinct++;
            }
        }
        assertEquals(200, keptDistinct, "new distinct samples are kept");
    }

    @Test
    void exactDuplicatesIgnoreCaseWhitespaceAndFormat() {
        DedupIndex index = new DedupIndex(0.85);
        Sample a = Sample.alpaca("x", "docs", 0.5, "t", "How do I build it?", "", "Run  mvn verify\nin the root.", null);
        add(index, a);
        Sample b = Sample.alpaca("y", "docs", 0.9, "u", "how do i BUILD it?", "", "Run mvn verify in the root.", null);
        assertEquals(Reasons.DUPLICATE, check(index, b));
        Sample chat = Sample.chat("z", "distillation", 1.0, "v", List.of(new ChatMessage("user", "How do I build it?"),
                new ChatMessage("assistant", "Run mvn verify in the root.")), null);
        assertEquals(Reasons.DUPLICATE, check(index, chat), "the same Q/A as chat is the same sample");
    }

    @Test
    void theSameWordsInSwappedRolesAreNotDuplicates() {
        DedupIndex index = new DedupIndex(0.85);
        String doc = "/** Returns the sum of all prices in the cart, after discounts and before taxes. */";
        String code = "public long total() {\n    return items.stream().mapToLong(Item::price).sum() - discount;\n}";
        add(index, Sample.alpaca(null, "code", 0.7, null, "Implement the following Java method `total`.", doc, code,
                null));
        assertNull(check(index, Sample.alpaca(null, "code", 0.7, null, "Write the Javadoc comment for this Java method.",
                code, doc, null)));
    }

    @Test
    void signatureEstimatesJaccard() {
        Random r = new Random(3);
        String base = paragraph(r, 400);
        String changed = edit(base, r, 40);
        double est = MinHash.similarity(sig(sample("q", base)), sig(sample("q", changed)));
        assertTrue(est > 0.5 && est < 0.85, "about 40 of 400 words changed: estimate " + est);
    }

    private static String check(DedupIndex index, Sample s) {
        SampleText t = SampleText.of(s);
        return index.check(t.exactHash(), null, MinHash.signature(t.shingles()));
    }

    private static void add(DedupIndex index, Sample s) {
        SampleText t = SampleText.of(s);
        index.add(t.exactHash(), null, MinHash.signature(t.shingles()));
    }

    private static int[] sig(Sample s) {
        return MinHash.signature(SampleText.of(s).shingles());
    }

    private static Sample sample(String instruction, String output) {
        return Sample.alpaca(null, "test", 0.5, null, instruction, "", output, null);
    }

    private static String paragraph(Random r, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sb.append(WORDS[r.nextInt(WORDS.length)]).append(i % 13 == 12 ? ".\n" : " ");
        }
        return sb.toString();
    }

    /** Replaces n random words. */
    private static String edit(String text, Random r, int n) {
        String[] w = text.split(" ");
        for (int i = 0; i < n; i++) {
            w[r.nextInt(w.length)] = "changed" + r.nextInt(1000);
        }
        return String.join(" ", w);
    }
}
