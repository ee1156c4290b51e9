package dev.sam.train.nativelib;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sam.train.model.ModelConfig;
import java.nio.file.Path;
import java.util.Random;

/** What the PyTorch oracles share: the reference model built from the fixture, LoRA values, the gradient check. */
final class OracleChecks {
    private OracleChecks() {
    }

    /** The float64 PyTorch Qwen2 of {@code model} with {@code w}'s weights and, unless null, {@code lora}'s values. */
    static Qwen2Reference reference(NDManager nd, Path model, TestWeights w, LoraAdapters lora) throws Exception {
        Qwen2Reference ref = new Qwen2Reference(nd, ModelConfig.load(model.resolve("config.json")), DataType.FLOAT64, 2.0);
        w.values.forEach((k, v) -> ref.weight(k, nd.create(v, new Shape(w.shapes.get(k)))));
        if (lora != null) {
            for (LoraAdapters.Tensor t : lora.tensors()) {
                ref.addLora(t.name(), lora.read(t), t.rows(), t.cols());
            }
        }
        return ref;
    }

    /** B starts at zero, which would make every A-gradient zero: gives B values so that both are tested. */
    static void randomizeB(LoraAdapters lora, long seed) {
        Random rnd = new Random(seed);
        for (LoraAdapters.Tensor t : lora.tensors()) {
            if (t.name().endsWith("lora_b")) {
                float[] v = new float[t.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rnd.nextGaussian() * 0.05);
                }
                lora.write(t, v);
            }
        }
    }

    /** Every native LoRA gradient within 1e-3 of the reference's, relative to its largest magnitude. */
    static void gradientsMatch(String name, LoraAdapters lora, float[][] nativeGrads, Qwen2Reference ref) {
        for (LoraAdapters.Tensor t : lora.tensors()) {
            double[] g = ref.lora.get(t.name()).getGradient().toDoubleArray();
            float[] mine = nativeGrads[t.index()];
            double maxRef = 0;
            double maxDiff = 0;
            for (int i = 0; i < g.length; i++) {
                maxRef = Math.max(maxRef, Math.abs(g[i]));
                maxDiff = Math.max(maxDiff, Math.abs(g[i] - mine[i]));
            }
            assertTrue(maxRef > 0, t.name() + " has a non-zero reference gradient");
            assertTrue(maxDiff <= 1e-3 * maxRef, name + ": " + t.name() + " gradient differs by " + maxDiff
                    + " (max |g| " + maxRef + ")");
        }
    }

    static int[] randomIds(int n, long seed) {
        Random r = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(320);
        }
        return ids;
    }
}
