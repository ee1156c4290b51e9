package dev.sam.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.nativelib.Qwen2Reference;
import dev.sam.train.nativelib.LoraSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Child JVM: the same LoRA training in DJL PyTorch, fp32 eager — the base weights dequantized to fp32 by
 * {@link WeightReader}, LoRA on the same modules of the same layers with the same initial values
 * ({@link BenchData#loraA}), the same batches, AdamW with the same settings and global-norm clipping.
 * Also measures PyTorch's own matmul rate at the trainer's GEMM shapes.
 *
 * <pre>java dev.sam.bench.TorchTrainRun model=DIR layers=8 rank=4 alpha=8 targets=q_proj,... seq=512 steps=3 warmup=1</pre>
 */
public final class TorchTrainRun {
    private TorchTrainRun() {
    }

    public static void main(String[] argv) throws Exception {
        TrainArgs a = TrainArgs.parse(argv);
        Path dir = a.model();
        int layers = a.layers();
        int rank = a.rank();
        double scale = a.scale();
        int seq = a.seq();
        int steps = a.steps();
        int warmup = a.warmup();
        long seed = a.seed();
        String shapes = a.all().getOrDefault("shapes", "");
        int reps = Integer.parseInt(a.all().getOrDefault("reps", "3"));

        Engine engine = Engine.getEngine("PyTorch");
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("engine", "PyTorch " + engine.getVersion() + " (DJL " + Engine.getDjlVersion() + ")");
        try (NDManager nd = NDManager.newBaseManager("PyTorch")) {
            if (!shapes.isEmpty()) {
                res.put("gemm", gemm(nd, shapes, reps));
            }
            long t0 = System.nanoTime();
            Qwen2Reference model;
            ModelConfig c;
            try (WeightReader r = WeightReader.open(dir)) {
                c = r.config();
                model = TorchQwen2.load(nd, r, scale);
            }
            int first = layers < 0 ? 0 : c.numHiddenLayers() - layers;
            for (int l = first; l < c.numHiddenLayers(); l++) {
                for (String t : a.targets()) {
                    String base = "model.layers." + l + "." + new LoraSpec(rank, (float) scale, 0f, layers, List.of(t))
                            .mlxKeys().get(0);
                    List<long[]> sh = TorchQwen2.loraShape(c, t, rank);
                    int in = (int) sh.get(0)[0];
                    int out = (int) sh.get(1)[1];
                    model.addLora(base + ".lora_a", BenchData.loraA(base + ".lora_a", in, rank, seed), in, rank);
                    model.addLora(base + ".lora_b", new float[rank * out], rank, out);
                }
            }
            double setup = (System.nanoTime() - t0) / 1e9;
            System.err.printf("bench: %s, weights loaded in %.1f s%n", res.get("engine"), setup);
            AdamW opt = new AdamW(nd, new ArrayList<>(model.lora.values()), (float) a.lr(), 0.9f, 0.999f, 1e-8f,
                    a.clip());
            double[] secs = new double[steps];
            double[] cpu = new double[steps];
            double[] losses = new double[warmup + steps];
            res.put("rss_after_load_bytes", MachineInfo.rssBytes());
            for (int i = 0; i < warmup + steps; i++) {
                int[] ids = BenchData.tokens(i, 1, seq, c.vocabSize(), seed);
                long s0 = System.nanoTime();
                long c0 = MachineInfo.processCpuNanos();
                try (NDScope scope = new NDScope()) {
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDArray loss = model.loss(ids, null);
                        losses[i] = loss.getFloat();
                        gc.backward(loss);
                    }
                    opt.step();
                }
                double dt = (System.nanoTime() - s0) / 1e9;
                double dc = (MachineInfo.processCpuNanos() - c0) / 1e9;
                if (i >= warmup) {
                    secs[i - warmup] = dt;
                    cpu[i - warmup] = dc;
                }
                System.err.printf("bench: %s step %d: %.2f s (CPU %.2f s), loss %.5f, RSS %.2f GB, load %s%n",
                        i < warmup ? "warm-up" : "timed", i + 1, dt, dc, losses[i], MachineInfo.rssBytes() / 1e9,
                        MachineInfo.loadAverage());
            }
            res.put("setup_s", setup);
            res.put("step_s", secs);
            res.put("step_cpu_s", cpu);
            res.put("losses", losses);
            res.put("tokens_per_step", seq);
        }
        res.put("peak_rss_bytes", MachineInfo.peakRssBytes());
        ChildJvm.emit(res);
    }

    /** PyTorch's matmul rate at the given shapes (x·Wᵀ for NT, dy·W for NN). */
    private static List<Map<String, Object>> gemm(NDManager nd, String spec, int reps) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String s : spec.split(",")) {
            GemmRun.GemmShape g = GemmRun.GemmShape.parse(s);
            try (NDScope scope = new NDScope()) {
                NDArray x = nd.randomUniform(-1, 1, new Shape(g.m(), g.k()));
                NDArray w = g.transB() ? nd.randomUniform(-1, 1, new Shape(g.n(), g.k()))
                        : nd.randomUniform(-1, 1, new Shape(g.k(), g.n()));
                NDArray b = g.transB() ? w.transpose() : w;
                x.matMul(b).close();
                double[] rates = new double[reps];
                for (int i = 0; i < reps; i++) {
                    long t0 = System.nanoTime();
                    x.matMul(b).close();
                    rates[i] = g.flops() / ((System.nanoTime() - t0) / 1e9) / 1e9;
                }
                Map<String, Object> r = GemmRun.rates(g, rates);
                System.err.printf("bench: torch %-28s %7.1f GFLOP/s%n", g.spec(), r.get("gflops_best"));
                out.add(r);
            }
        }
        return out;
    }

    /** AdamW (PyTorch's order, no weight decay here) with global-norm clipping, as the native trainer applies it. */
    private static final class AdamW {
        private final List<NDArray> params;
        private final List<NDArray> m = new ArrayList<>();
        private final List<NDArray> v = new ArrayList<>();
        private final float lr;
        private final float b1;
        private final float b2;
        private final float eps;
        private final double clip;
        private int t;

        AdamW(NDManager nd, List<NDArray> params, float lr, float b1, float b2, float eps, double clip) {
            this.params = params;
            for (NDArray p : params) {
                NDArray z1 = nd.zeros(p.getShape());
                NDArray z2 = nd.zeros(p.getShape());
                NDScope.unregister(z1, z2);
                m.add(z1);
                v.add(z2);
            }
            this.lr = lr;
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            this.clip = clip;
        }

        void step() {
            t++;
            double ss = 0;
            List<NDArray> grads = new ArrayList<>();
            for (NDArray p : params) {
                NDArray g = p.getGradient();
                grads.add(g);
                ss += g.pow(2).sum().getFloat();
            }
            double norm = Math.sqrt(ss);
            float c = clip > 0 && norm > clip ? (float) (clip / norm) : 1f;
            float bc1 = (float) (1 - Math.pow(b1, t));
            float bc2 = (float) (1 - Math.pow(b2, t));
            for (int i = 0; i < params.size(); i++) {
                NDArray g = grads.get(i).mul(c);
                m.get(i).muli(b1).addi(g.mul(1 - b1));
                v.get(i).muli(b2).addi(g.mul(g).mul(1 - b2));
                NDArray upd = m.get(i).div(bc1).div(v.get(i).div(bc2).sqrt().add(eps)).mul(lr);
                params.get(i).subi(upd);
                grads.get(i).muli(0);
            }
        }
    }
}
