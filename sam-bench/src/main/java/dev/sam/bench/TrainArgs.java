package dev.sam.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link TrainBench} tells both trainers' child JVMs ({@code key=value} arguments), parsed in one place
 * so that the native run and its PyTorch peer read the same values with the same defaults.
 *
 * <pre>TrainArgs a = TrainArgs.parse(argv); float scale = (float) a.scale();</pre>
 */
record TrainArgs(Path model, int layers, int rank, double alpha, List<String> targets, int seq, int batch, int steps,
                 int warmup, boolean checkpoint, double lr, double clip, long seed, Map<String, String> all) {

    static TrainArgs parse(String[] argv) {
        Map<String, String> a = BenchData.args(argv);
        return new TrainArgs(Path.of(a.get("model")), Integer.parseInt(a.get("layers")),
                Integer.parseInt(a.get("rank")), Double.parseDouble(a.get("alpha")),
                List.of(a.get("targets").split(",")), Integer.parseInt(a.get("seq")),
                Integer.parseInt(a.getOrDefault("batch", "1")), Integer.parseInt(a.get("steps")),
                Integer.parseInt(a.get("warmup")), Boolean.parseBoolean(a.getOrDefault("checkpoint", "true")),
                Double.parseDouble(a.getOrDefault("lr", "1e-4")), Double.parseDouble(a.getOrDefault("clip", "1.0")),
                Long.parseLong(a.getOrDefault("seed", "0")), Map.copyOf(a));
    }

    /** mlx-lm's LoRA scale, alpha / rank. */
    double scale() {
        return alpha / rank;
    }
}
