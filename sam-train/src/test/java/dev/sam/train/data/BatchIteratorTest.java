package dev.sam.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchIteratorTest {
    /** Example i has length 3 + (i * 7 % 11), token values i*100 + position, scored from position 2. */
    static List<TokenizedExample> examples(int n) {
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 3 + (i * 7 % 11);
            int[] t = new int[len];
            byte[] m = new byte[len];
            for (int p = 0; p < len; p++) {
                t[p] = i * 100 + p;
                m[p] = (byte) (p >= 2 ? 1 : 0);
            }
            out.add(new TokenizedExample("f:" + i, t, m, 2));
        }
        return out;
    }

    @Test
    void everyExampleOncePerEpochInLengthSortedPaddedBatches() {
        BatchIterator it = new BatchIterator(examples(10), 3, 42, -1);
        assertEquals(4, it.batchesPerEpoch(), "the last smaller batch is kept");
        Map<Integer, Integer> seen = new HashMap<>();
        List<int[]> ranges = new ArrayList<>();
        Iterator<Batch> b = it.from(0);
        for (int k = 0; k < 4; k++) {
            Batch x = b.next();
            assertEquals(0, x.epoch());
            int minLen = Integer.MAX_VALUE;
            for (int r = 0; r < x.rows(); r++) {
                int len = x.lengths()[r];
                minLen = Math.min(minLen, len);
                int ex = x.tokens()[r * x.seqLen()] / 100;
                seen.merge(ex, 1, Integer::sum);
                for (int p = 0; p < x.seqLen(); p++) {
                    int i = r * x.seqLen() + p;
                    if (p < len) {
                        assertEquals(ex * 100 + p, x.tokens()[i]);
                        assertEquals(p >= 2 ? 1 : 0, x.mask()[i]);
                    } else {
                        assertEquals(-1, x.tokens()[i], "padding");
                        assertEquals(0, x.mask()[i], "padding is never scored");
                    }
                }
            }
            assertEquals(x.seqLen(), java.util.Arrays.stream(x.lengths()).max().orElseThrow(), "padded to the longest");
            ranges.add(new int[] {minLen, x.seqLen()});
        }
        for (int[] p : ranges) {
            for (int[] q : ranges) {
                assertTrue(p == q || p[1] <= q[0] || q[1] <= p[0], "batches hold length-sorted slices");
            }
        }
        assertEquals(10, seen.size());
        assertTrue(seen.values().stream().allMatch(c -> c == 1));
    }

    @Test
    void deterministicResumableAndReshuffledPerEpoch() {
        List<TokenizedExample> ex = examples(40);
        BatchIterator a = new BatchIterator(ex, 4, 7, 0);
        BatchIterator b = new BatchIterator(ex, 4, 7, 0);
        List<Batch> first = new ArrayList<>();
        Iterator<Batch> ia = a.from(0);
        for (int i = 0; i < 30; i++) {
            first.add(ia.next());
        }
        Iterator<Batch> resumed = b.from(17);
        for (int i = 17; i < 30; i++) {
            Batch x = resumed.next();
            assertEquals(i, x.index());
            assertArrayEquals(first.get(i).tokens(), x.tokens(), "batch " + i);
        }
        List<Integer> epoch0 = new ArrayList<>();
        List<Integer> epoch1 = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            epoch0.add(first.get(i).tokens()[0]);
            epoch1.add(first.get(10 + i).tokens()[0]);
        }
        assertNotEquals(epoch0, epoch1, "batch order reshuffled each epoch");
        assertEquals(epoch0.stream().sorted().toList(), epoch1.stream().sorted().toList(), "same batches");
        List<Integer> otherSeed = new ArrayList<>();
        Iterator<Batch> c = new BatchIterator(ex, 4, 8, 0).from(0);
        for (int i = 0; i < 10; i++) {
            otherSeed.add(c.next().tokens()[0]);
        }
        assertNotEquals(epoch0, otherSeed);
    }
}
