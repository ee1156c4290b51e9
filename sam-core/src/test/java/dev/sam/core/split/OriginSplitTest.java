package dev.sam.core.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.ChatMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Property tests of the grouped, stable split over generated samples (seeded, so failures reproduce). */
class OriginSplitTest {
    /** A generated sample: an origin key (shared by 1..4 samples, as an implement/document pair is) and a text. */
    record S(String origin, String text) {
    }

    private static final String[] KINDS = {"commit:", "code:src/Foo.java#bar", "doc:README.md#", "session:", "task:"};

    static List<S> generate(Random r, int origins, int offset) {
        List<S> out = new ArrayList<>();
        for (int i = 0; i < origins; i++) {
            String origin = KINDS[r.nextInt(KINDS.length)] + Long.toHexString(r.nextLong()) + "/" + (offset + i);
            int n = 1 + r.nextInt(4);
            for (int k = 0; k < n; k++) {
                out.add(new S(origin, "sample " + k + " of " + origin + " " + r.nextInt()));
            }
        }
        return out;
    }

    static Map<String, Boolean> sides(OriginSplit.Result<S> r) {
        Map<String, Boolean> m = new HashMap<>();
        r.train().forEach(s -> assertFalse(Boolean.TRUE.equals(m.put(s.origin(), false)), s.origin() + " on both sides"));
        r.valid().forEach(s -> assertFalse(Boolean.FALSE.equals(m.put(s.origin(), true)), s.origin() + " on both sides"));
        return m;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void noOriginOnBothSidesAndGrowingDataNeverMovesAnOrigin(long seed) {
        Random r = new Random(seed);
        OriginSplit split = new OriginSplit(0.05 + 0.3 * r.nextDouble());
        List<S> data = new ArrayList<>(generate(r, 80 + r.nextInt(200), 0));
        Map<String, Boolean> before = sides(split.split(data, S::origin));
        for (int round = 1; round <= 5; round++) {
            // new samples: new origins, and new samples of existing origins, in shuffled order
            List<S> grown = new ArrayList<>(data);
            grown.addAll(generate(r, r.nextInt(100), round * 100_000));
            for (int k = 0; k < 20; k++) {
                S old = data.get(r.nextInt(data.size()));
                grown.add(new S(old.origin(), "another sample of " + old.origin() + " " + k));
            }
            Collections.shuffle(grown, r);
            OriginSplit.Result<S> res = split.split(grown, S::origin);
            assertFalse(res.adjusted(), "both sides are non-empty by the hash rule alone");
            assertEquals(grown.size(), res.train().size() + res.valid().size());
            Map<String, Boolean> after = sides(res);
            for (Map.Entry<String, Boolean> e : before.entrySet()) {
                assertEquals(e.getValue(), after.get(e.getKey()), "origin " + e.getKey() + " moved in round " + round);
            }
            before = after;
            data = grown;
        }
    }

    @Test
    void theHeldOutShareMatchesTheFractionAndIsByOriginNotBySample() {
        Random r = new Random(42);
        List<S> data = generate(r, 5000, 0);
        OriginSplit.Result<S> res = OriginSplit.standard().split(data, S::origin);
        Set<String> origins = new HashSet<>();
        res.valid().forEach(s -> origins.add(s.origin()));
        double f = origins.size() / 5000.0;
        assertTrue(f > 0.09 && f < 0.11, "held-out share of origins " + f);
    }

    @Test
    void samplesWithoutOriginSplitByNormalizedContentAsBefore() {
        List<ChatMessage> a = List.of(new ChatMessage("user", "Same  Question"), new ChatMessage("assistant", "x"));
        List<ChatMessage> b = List.of(new ChatMessage("user", " same question\n"), new ChatMessage("assistant", "X"));
        assertEquals(OriginSplit.origin(null, a, null), OriginSplit.origin(" ", b, null));
        assertEquals(OriginSplit.origin("commit:abc", a, null), OriginSplit.origin("commit:abc", b, "other"));
        assertFalse(OriginSplit.origin("commit:abc", a, null).equals(OriginSplit.origin(null, a, null)));
    }

    @Test
    void aContentOriginSplitsAsTheContentHashSplitDidBeforeOrigins() throws Exception {
        List<ChatMessage> m = List.of(new ChatMessage("user", "Say hello"), new ChatMessage("assistant", "hi"));
        String normalized = OriginSplit.contentKey(m, null);
        long before = java.nio.ByteBuffer.wrap(java.security.MessageDigest.getInstance("SHA-256")
                .digest(normalized.getBytes(java.nio.charset.StandardCharsets.UTF_8))).getLong();
        assertEquals(before, OriginSplit.hash(OriginSplit.origin(null, m, null)));
        assertEquals("content:" + String.format("%016x", before), OriginSplit.origin(null, m, null));
        assertFalse(OriginSplit.hash("content:not-hex-digits!") == 0);
    }

    @Test
    void tinySetsKeepBothSidesByMovingTheOriginNearestTheCut() {
        List<S> two = List.of(new S("o1", "a"), new S("o1", "b"), new S("o2", "c"));
        OriginSplit.Result<S> res = OriginSplit.standard().split(two, S::origin);
        assertTrue(res.adjusted());
        assertFalse(res.train().isEmpty());
        assertFalse(res.valid().isEmpty());
        sides(res);
        assertEquals(sides(res), sides(OriginSplit.standard().split(List.of(two.get(2), two.get(1), two.get(0)),
                S::origin)), "order-free");
    }
}
