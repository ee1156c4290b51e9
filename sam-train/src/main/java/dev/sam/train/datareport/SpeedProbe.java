package dev.sam.train.datareport;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sam.core.config.TrainingProfile;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.NativeKernels;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.nativelib.NativeTrainer;
import dev.sam.train.nativelib.TokenBatch;
import dev.sam.train.nativelib.TrainSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * This machine's training speed for a base model and profile, in tokens/s: measured once by the native
 * trainer itself — the profile's LoRA layers, rank, targets, batch and gradient checkpointing, one
 * warm-up and {@value #TIMED} timed steps (forward + backward + optimizer) over random tokens of the
 * profile's sequence length, batch·seq / median step time, as sam-bench measures it — and cached in
 * {@code SAM_HOME/cache/train-speed.json} under a key of everything that changes it (model directory
 * and size, settings, kernel backend, processors).
 *
 * <pre>Optional&lt;SpeedProbe.Speed&gt; s = new SpeedProbe(home).cached(dir, profile, seq);</pre>
 */
public final class SpeedProbe {
    public static final int TIMED = 3;

    /** A measurement: tokens/s, when, and how. */
    public record Speed(double tokensPerSecond, String measuredAt, String method) {
    }

    private final SamHome home;

    public SpeedProbe(SamHome home) {
        this.home = home;
    }

    /** The cached speed, if this machine measured this model and profile before. */
    public Optional<Speed> cached(Path modelDir, TrainingProfile p, int seq) {
        return Optional.ofNullable(read().get(key(modelDir, p, seq)));
    }

    /** Measures (a few native training steps; seconds on small models, minutes on 1.5B ones) and caches. */
    public Speed measure(Path modelDir, TrainingProfile p, int seq) throws IOException {
        int batch = p.batchSize();
        try (NativeModel model = NativeModel.open(modelDir);
             LoraAdapters lora = LoraAdapters.create(model, dev.sam.train.nativelib.LoraSpec.of(p), p.seed());
             NativeTrainer trainer = NativeTrainer.create(model, lora, TrainSettings.builder().learningRate(p.learningRate())
                     .maxBatch(batch).maxSeqLen(seq).seed(p.seed()).gradCheckpoint(p.gradCheckpoint()).build())) {
            int vocab = model.info().vocabSize();
            SplittableRandom rnd = new SplittableRandom(p.seed());
            int[] lengths = new int[batch];
            Arrays.fill(lengths, seq);
            byte[] mask = new byte[batch * seq];
            Arrays.fill(mask, (byte) 1);
            double[] secs = new double[TIMED];
            for (int i = 0; i < 1 + TIMED; i++) {
                int[] tokens = new int[batch * seq];
                for (int t = 0; t < tokens.length; t++) {
                    tokens[t] = rnd.nextInt(vocab);
                }
                long t0 = System.nanoTime();
                trainer.accumulate(new TokenBatch(tokens, lengths, mask, batch, seq));
                trainer.apply();
                if (i > 0) {
                    secs[i - 1] = (System.nanoTime() - t0) / 1e9;
                }
            }
            Arrays.sort(secs);
            double median = TIMED % 2 == 1 ? secs[TIMED / 2] : (secs[TIMED / 2 - 1] + secs[TIMED / 2]) / 2;
            Speed s = new Speed(batch * seq / median, dev.sam.core.Times.now(), String.format(java.util.Locale.ROOT,
                    "native trainer, %s, batch %d x %d tokens, median of %d steps after 1 warm-up, %d processors",
                    NativeKernels.backend(), batch, seq, TIMED, Runtime.getRuntime().availableProcessors()));
            Map<String, Speed> all = new TreeMap<>(read());
            all.put(key(modelDir, p, seq), s);
            AtomicFiles.writeJson(home.trainSpeedCache(), all);
            return s;
        }
    }

    private Map<String, Speed> read() {
        Path f = home.trainSpeedCache();
        try {
            return Files.exists(f) ? Json.mapper().readValue(Files.readAllBytes(f), new TypeReference<Map<String, Speed>>() { })
                    : Map.of();
        } catch (IOException e) {
            return Map.of(); // an unreadable cache is measured again and rewritten
        }
    }

    static String key(Path modelDir, TrainingProfile p, int seq) {
        long size;
        try {
            size = Files.size(modelDir.resolve("model.safetensors"));
        } catch (IOException e) {
            size = -1;
        }
        return String.join("|", modelDir.toAbsolutePath().normalize().toString(), Long.toString(size),
                "layers=" + p.loraLayers(), "rank=" + p.rank(), "targets=" + p.targets(), "batch=" + p.batchSize(),
                "seq=" + seq, "ckpt=" + p.gradCheckpoint(), NativeKernels.backend(),
                "cpus=" + Runtime.getRuntime().availableProcessors());
    }
}
