package dev.sam.train.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.train.data.Batch;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.nativelib.NativeEval;
import dev.sam.train.nativelib.NativeModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The difficulty of {@code training.curriculum: loss}: each training example's mean cross-entropy per scored
 * target under the base model alone (forward only, no adapters), computed once and cached in the file
 * {@code SamHome.curriculumScores(base, fingerprint)} names — a later run, or a resumed one, on the same base
 * model and data reads the same numbers, so its curriculum (and a resume) is bit-identical.
 *
 * <pre>double[] d = BaseModelLosses.of(model, examples, cacheFile, "qwen-1.5b", fingerprint);</pre>
 */
public final class BaseModelLosses {
    /** Examples scored per forward pass (in length order: little padding). */
    static final int BATCH = 4;

    private BaseModelLosses() {
    }

    /** Whether the cache file holds the losses of exactly these examples; the losses or null. */
    static double[] cached(Path file, String fingerprint, int count) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(file.toFile());
            JsonNode l = n.path("losses");
            if (!fingerprint.equals(n.path("fingerprint").asText()) || !l.isArray() || l.size() != count) {
                return null;
            }
            double[] out = new double[count];
            for (int i = 0; i < count; i++) {
                out[i] = l.get(i).asDouble();
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return null; // a damaged cache is recomputed, never trusted
        }
    }

    static double[] of(NativeModel model, List<TokenizedExample> examples, Path file, String baseModel,
                       String fingerprint) {
        double[] losses = cached(file, fingerprint, examples.size());
        if (losses != null) {
            return losses;
        }
        losses = score(model, examples);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("base_model", baseModel);
        doc.put("fingerprint", fingerprint);
        doc.put("metric", "mean cross-entropy per scored target, base model without adapters");
        doc.put("losses", losses);
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.writeJson(file, doc);
        } catch (IOException e) {
            throw dev.sam.core.SamException.io("write the curriculum scores", file, e);
        }
        return losses;
    }

    /** Mean loss per scored target of each example under the base model. */
    public static double[] score(NativeModel model, List<TokenizedExample> examples) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            idx.add(i);
        }
        idx.sort(Comparator.comparingInt((Integer i) -> examples.get(i).length()).thenComparingInt(i -> i));
        double[] out = new double[examples.size()];
        for (int from = 0; from < idx.size(); from += BATCH) {
            List<Integer> part = idx.subList(from, Math.min(idx.size(), from + BATCH));
            Batch b = Batch.of(0, 0, part.stream().map(examples::get).toList(), null, 0);
            NativeEval.RowLosses r = NativeEval.loss(model, null, b.toTokenBatch());
            for (int k = 0; k < part.size(); k++) {
                out[part.get(k)] = r.lossSum()[k] / Math.max(1, r.targets()[k]);
            }
        }
        return out;
    }
}
