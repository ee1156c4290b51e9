package dev.sam.train.fuse;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.train.adapters.TestAdapters;
import dev.sam.train.nativelib.LoraSpec;
import dev.sam.train.tokenizer.ByteLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs with adapters on every projection (random, non-zero B) and a tiny model with Qwen2's pre-tokenizer. */
public final class FuseFixtures {
    public static final List<String> ALL = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
            "down_proj");

    private FuseFixtures() {
    }

    /** runs/{@code run}/adapters for base {@code baseName} at {@code baseDir}: rank 4, scale 1.5, the given layers. */
    public static Path run(SamHome home, String run, String baseName, Path baseDir, int numLayers, long seed)
            throws IOException {
        return TestAdapters.random(baseDir, home.runDir(run).resolve("adapters"), seed, baseName,
                new LoraSpec(4, 1.5f, 0f, numLayers, ALL), 0.2);
    }

    /**
     * A copy of the model in {@code src} whose tokenizer.json splits text with Qwen2.5's pre-tokenizer
     * (Split on Qwen2's regex, then ByteLevel without a regex) instead of GPT-2's: same vocabulary and
     * merges, so any text still tokenizes, as llama.cpp's "qwen2" pre-tokenizer does.
     */
    public static Path withQwen2PreTokenizer(Path src, Path dst) throws IOException {
        Files.createDirectories(dst);
        try (var s = Files.list(src)) {
            for (Path p : s.toList()) {
                Files.copy(p, dst.resolve(p.getFileName().toString()));
            }
        }
        Path tj = dst.resolve("tokenizer.json");
        ObjectNode root = (ObjectNode) Json.mapper().readTree(Files.readString(tj));
        ObjectNode pre = Json.mapper().createObjectNode().put("type", "Sequence");
        ArrayNode seq = pre.putArray("pretokenizers");
        ObjectNode split = seq.addObject().put("type", "Split");
        split.putObject("pattern").put("Regex", ByteLevel.QWEN2_SPLIT_REGEX);
        split.put("behavior", "Isolated").put("invert", false);
        seq.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", false)
                .put("use_regex", false);
        root.set("pre_tokenizer", pre);
        Files.writeString(tj, Json.pretty(root));
        return dst;
    }
}
