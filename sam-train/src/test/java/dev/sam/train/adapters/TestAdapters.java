package dev.sam.train.adapters;

import dev.sam.core.TestHomes;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.LoraSpec;
import dev.sam.train.nativelib.NativeModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test adapters for a tiny Qwen2-shaped base: the real mlx-lm fixture (testdata/qwen2-tiny) and a
 * small safetensors writer for made-up shapes.
 */
public final class TestAdapters {
    public static final String BASE = "qwen2-tiny";

    private TestAdapters() {
    }

    /** Installs the fixture's base config as SAM_HOME/models/base/{@value #BASE}. */
    public static Path installBase(SamHome home) throws IOException {
        Path dir = Files.createDirectories(home.baseModel(BASE));
        Files.copy(TestHomes.testdata("qwen2-tiny").resolve("fp32/config.json"), dir.resolve("config.json"),
                StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    /** A base config with made-up dimensions under models/base/{@code name}. */
    public static Path writeBase(SamHome home, String name, int hidden, int heads, int kvHeads, int layers, int inter)
            throws IOException {
        Path dir = Files.createDirectories(home.baseModel(name));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model_type", "qwen2");
        c.put("hidden_size", hidden);
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", kvHeads);
        c.put("num_hidden_layers", layers);
        c.put("intermediate_size", inter);
        c.put("vocab_size", 320);
        Files.writeString(dir.resolve("config.json"), Json.pretty(c));
        return dir;
    }

    /** A copy of the fixture's real mlx-lm adapters (last 2 layers, q/k/v/o, rank 4). */
    public static Path fixture(Path dst) throws IOException {
        Path src = TestHomes.testdata("qwen2-tiny").resolve("adapters");
        Files.createDirectories(dst);
        for (String f : List.of("adapters.safetensors", "adapter_config.json")) {
            Files.copy(src.resolve(f), dst.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        return dst;
    }

    /** The fixture with one data byte changed, so that its checksum differs. */
    public static Path variant(Path dst, int n) throws IOException {
        fixture(dst);
        Path f = dst.resolve("adapters.safetensors");
        byte[] b = Files.readAllBytes(f);
        b[b.length - 1 - n % 64] ^= (byte) (n + 1);
        Files.write(f, b);
        return dst;
    }

    /**
     * Rank-4 q/k/v/o adapters for the real model in {@code model}, their B matrices random (seeded), so that
     * each seed really changes what the model says; {@code base} goes into adapter_config.json.
     */
    public static Path random(Path model, Path dst, long seed, String base) throws IOException {
        return random(model, dst, seed, base, new LoraSpec(4, 2f, 0f, -1, List.of("q_proj", "k_proj", "v_proj",
                "o_proj")), 0.5);
    }

    /** Adapters of {@code spec} for the model in {@code model}, lora_b drawn from N(0, std²) (seeded). */
    public static Path random(Path model, Path dst, long seed, String base, LoraSpec spec, double std)
            throws IOException {
        Files.createDirectories(dst);
        try (NativeModel m = NativeModel.open(model); LoraAdapters a = LoraAdapters.create(m, spec, seed)) {
            Random r = new Random(seed);
            for (LoraAdapters.Tensor t : a.tensors()) {
                if (t.name().endsWith("lora_b")) {
                    float[] v = new float[t.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (r.nextGaussian() * std);
                    }
                    a.write(t, v);
                }
            }
            a.save(dst.resolve("adapters.safetensors"));
        }
        AdapterConfig.of(spec, base).write(dst.resolve("adapter_config.json"), null, Map.of());
        return dst;
    }

    /** Writes adapters for the hidden/heads/kv/inter dims given, on the last {@code numLayers} of {@code layers}. */
    public static Path write(Path dir, int hidden, int heads, int kvHeads, int inter, int layers, int numLayers,
                             int rank, List<String> keys) throws IOException {
        Files.createDirectories(dir);
        int headDim = hidden / heads;
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (int l = layers - numLayers; l < layers; l++) {
            for (String k : keys) {
                long[] io = switch (k) {
                    case "self_attn.q_proj" -> new long[] {hidden, (long) heads * headDim};
                    case "self_attn.k_proj", "self_attn.v_proj" -> new long[] {hidden, (long) kvHeads * headDim};
                    case "self_attn.o_proj" -> new long[] {(long) heads * headDim, hidden};
                    case "mlp.down_proj" -> new long[] {inter, hidden};
                    default -> new long[] {hidden, inter};
                };
                shapes.put("model.layers." + l + "." + k + ".lora_a", new long[] {io[0], rank});
                shapes.put("model.layers." + l + "." + k + ".lora_b", new long[] {rank, io[1]});
            }
        }
        writeSafetensors(dir.resolve("adapters.safetensors"), shapes, 42);
        writeConfig(dir, numLayers, rank, keys);
        return dir;
    }

    public static void writeConfig(Path dir, int numLayers, int rank, List<String> keys) throws IOException {
        Map<String, Object> lp = new LinkedHashMap<>();
        lp.put("rank", rank);
        lp.put("scale", 2.0);
        lp.put("dropout", 0.0);
        lp.put("keys", keys);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("fine_tune_type", "lora");
        c.put("num_layers", numLayers);
        c.put("lora_parameters", lp);
        Files.writeString(dir.resolve("adapter_config.json"), Json.pretty(c));
    }

    /** A valid F32 safetensors file with the given tensor shapes and seeded random values. */
    public static void writeSafetensors(Path file, Map<String, long[]> shapes, long seed) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        long offset = 0;
        List<Long> sizes = new ArrayList<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = 1;
            List<Long> dims = new ArrayList<>();
            for (long d : e.getValue()) {
                n *= d;
                dims.add(d);
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("dtype", "F32");
            t.put("shape", dims);
            t.put("data_offsets", List.of(offset, offset + 4 * n));
            header.put(e.getKey(), t);
            offset += 4 * n;
            sizes.add(n);
        }
        header.put("__metadata__", Map.of("format", "mlx"));
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + json.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(json.length).put(json);
        Random r = new Random(seed);
        for (long n : sizes) {
            for (long i = 0; i < n; i++) {
                buf.putFloat((float) r.nextGaussian() * 0.01f);
            }
        }
        Files.write(file, buf.array());
    }
}
