package dev.sam.train.nativelib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.model.ParamTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Everything autograd saves for backward must outlive the forward's scopes. DJL builds the scalar of
 * {@code op(Number)} with {@code from_blob} over a Java direct buffer; when that scalar belonged to a
 * per-layer scope, a garbage collection between forward and backward freed it and backward read freed
 * memory (the benchmark's PyTorch peer turned NaN at its third step). Here the collection happens on
 * purpose and freed small native blocks are refilled with NaN: the gradients must equal those of an
 * undisturbed backward.
 */
class Qwen2ReferenceLifetimeTest {
    static final ModelConfig SHAPE = new ModelConfig(32, 2, 4, 2, 8, 64, 64, 1_000_000.0, 1e-6, true, 128,
            "float32", null);

    @Test
    void gradientsSurviveAGarbageCollectionBetweenForwardAndBackward() throws Exception {
        try (NDManager nd = NDManager.newBaseManager("PyTorch")) {
            Qwen2Reference m = model(nd);
            int[] ids = new Random(7).ints(16, 0, SHAPE.vocabSize()).toArray();
            // every target, and a prompt-masked loss (its mean divides by the count of scored targets)
            byte[] answer = new byte[ids.length];
            java.util.Arrays.fill(answer, 6, ids.length, (byte) 1);
            for (byte[] scored : new byte[][] {null, answer}) {
                String which = scored == null ? "all targets" : "masked";
                Map<String, float[]> calm = gradients(m, ids, scored, false);
                Map<String, float[]> collected = gradients(m, ids, scored, true);
                for (Map.Entry<String, float[]> e : calm.entrySet()) {
                    for (float g : collected.get(e.getKey())) {
                        assertTrue(Float.isFinite(g), which + ": " + e.getKey() + " has a non-finite gradient");
                    }
                    assertArrayEquals(e.getValue(), collected.get(e.getKey()), which + ": " + e.getKey());
                }
            }
        }
    }

    private static Map<String, float[]> gradients(Qwen2Reference m, int[] ids, byte[] scored, boolean collectBetween)
            throws InterruptedException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDScope step = new NDScope(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray loss = m.loss(ids, scored);
            List<ByteBuffer> refill = new ArrayList<>();
            if (collectBetween) {
                System.gc();
                Thread.sleep(200); // the Cleaner frees the direct buffers of closed arrays
                for (int i = 0; i < 20_000; i++) {
                    ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
                    b.putDouble(0, Double.NaN);
                    refill.add(b);
                }
            }
            gc.backward(loss);
            refill.clear();
            for (Map.Entry<String, NDArray> e : m.lora.entrySet()) {
                NDArray g = e.getValue().getGradient();
                out.put(e.getKey(), g.toFloatArray());
                g.muli(0);
            }
        }
        return out;
    }

    /** Random base weights and LoRA on q/v of both layers, B non-zero so that A gets gradients too. */
    private static Qwen2Reference model(NDManager nd) {
        Random r = new Random(1);
        Qwen2Reference m = new Qwen2Reference(nd, SHAPE, DataType.FLOAT32, 2.0);
        for (ParamTensor t : SHAPE.tensors()) {
            boolean norm = t.shape().length == 1;
            m.weight(t.name(), nd.create(values(r, t.rows() * t.cols(), norm ? 1.0 : 0.1), new Shape(t.shape())));
        }
        for (int l = 0; l < SHAPE.numHiddenLayers(); l++) {
            for (String proj : List.of("q_proj", "v_proj")) {
                String base = "model.layers." + l + ".self_attn." + proj;
                int out = proj.equals("q_proj") ? SHAPE.numAttentionHeads() * SHAPE.headDim()
                        : SHAPE.numKeyValueHeads() * SHAPE.headDim();
                m.addLora(base + ".lora_a", values(r, SHAPE.hiddenSize() * 4L, 0.1), SHAPE.hiddenSize(), 4);
                m.addLora(base + ".lora_b", values(r, 4L * out, 0.1), 4, out);
            }
        }
        return m;
    }

    private static float[] values(Random r, long n, double spread) {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = spread == 1.0 ? 1f + (float) (0.1 * r.nextGaussian()) : (float) (spread * r.nextGaussian());
        }
        return v;
    }
}
