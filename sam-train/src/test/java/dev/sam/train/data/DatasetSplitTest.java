package dev.sam.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.ChatMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetSplitTest {
    static TrainingRecord rec(String id, String q, String a) {
        return new TrainingRecord(id, "src", Path.of("f.jsonl"), 1,
                List.of(new ChatMessage("user", q), new ChatMessage("assistant", a)), null, null);
    }

    static List<TrainingRecord> many(int n) {
        List<TrainingRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(rec("id" + i, "question number " + i, "answer " + (i * 7919 % 1000)));
        }
        return out;
    }

    @Test
    void aboutTenPercentGoToValidation() {
        DatasetSplit.Result r = DatasetSplit.standard().split(many(4000));
        assertEquals(4000, r.train().size() + r.valid().size());
        double f = r.valid().size() / 4000.0;
        assertTrue(f > 0.085 && f < 0.115, "validation fraction " + f);
        assertFalse(r.adjusted());
    }

    @Test
    void theSideDependsOnContentOnly() {
        List<TrainingRecord> all = many(1000);
        DatasetSplit s = DatasetSplit.standard();
        Set<String> validIds = new HashSet<>();
        s.split(all).valid().forEach(r -> validIds.add(r.id()));
        // re-collection: half the data, other order, new ids, timestamps and whitespace/case noise
        List<TrainingRecord> again = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i -= 2) {
            TrainingRecord r = all.get(i);
            String q = "  " + r.messages().get(0).content().toUpperCase() + "\n";
            again.add(new TrainingRecord("new-" + i, "other", Path.of("g.jsonl"), 9,
                    List.of(new ChatMessage("user", q), r.messages().get(1)), null, 0.5));
        }
        for (TrainingRecord r : s.split(again).valid()) {
            assertTrue(validIds.contains(r.id().replace("new-", "id")), r.id() + " stayed on the validation side");
        }
        for (TrainingRecord r : s.split(again).train()) {
            assertFalse(validIds.contains(r.id().replace("new-", "id")), r.id() + " stayed on the train side");
        }
    }

    @Test
    void duplicatesLandTogetherAndTinySetsKeepBothSides() {
        TrainingRecord a = rec("a", "Same question", "Same answer");
        TrainingRecord b = rec("b", "same   question", "same answer ");
        DatasetSplit s = DatasetSplit.standard();
        assertEquals(s.isValidation(a), s.isValidation(b));
        assertEquals(DatasetSplit.hash(a), DatasetSplit.hash(b));
        DatasetSplit.Result two = s.split(List.of(rec("x", "q1", "a1"), rec("y", "q2", "a2")));
        assertEquals(1, two.train().size());
        assertEquals(1, two.valid().size());
        assertTrue(two.adjusted());
        assertEquals(two.valid(), s.split(List.of(rec("y", "q2", "a2"), rec("x", "q1", "a1"))).valid(), "order-free");
    }
}
