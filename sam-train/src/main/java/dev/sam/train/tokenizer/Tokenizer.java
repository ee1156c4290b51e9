package dev.sam.train.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A model directory's HuggingFace tokenizer ({@code tokenizer.json}) through DJL's native binding,
 * configured like mlx-lm uses it for training: no special tokens added, no truncation (DJL's default
 * would silently cut at 512 tokens), no padding. Special-token ids come from the file's
 * {@code added_tokens}; the end-of-sequence token from {@code tokenizer_config.json}.
 *
 * <pre>try (Tokenizer t = Tokenizer.load(modelDir)) { int[] ids = t.encode("hello"); }</pre>
 */
public final class Tokenizer implements AutoCloseable {
    private final Path file;
    private final HuggingFaceTokenizer hf;
    private final Map<String, Integer> added;
    private final int vocabSize;
    private final String eosToken;

    private Tokenizer(Path file, HuggingFaceTokenizer hf, Map<String, Integer> added, int vocabSize, String eosToken) {
        this.file = file;
        this.hf = hf;
        this.added = added;
        this.vocabSize = vocabSize;
        this.eosToken = eosToken;
    }

    /** Loads {@code dir/tokenizer.json} (and reads {@code dir/tokenizer_config.json} when present). */
    public static Tokenizer load(Path dir) {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw SamException.failure("tokenizer missing: " + file + " does not exist",
                    "a model directory needs the HuggingFace tokenizer.json of its model");
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw SamException.failure(file + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""),
                    "restore tokenizer.json from the model's original files");
        }
        Map<String, Integer> added = new HashMap<>();
        int max = -1;
        for (JsonNode t : root.path("added_tokens")) {
            added.put(t.path("content").asText(), t.path("id").asInt());
            max = Math.max(max, t.path("id").asInt());
        }
        for (JsonNode id : root.path("model").path("vocab")) {
            max = Math.max(max, id.asInt());
        }
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false)
                    .optTruncation(false).optPadding(false).build();
        } catch (IOException | RuntimeException e) {
            throw new SamException(dev.sam.core.ExitCode.FAILURE, "cannot load tokenizer " + file + ": "
                    + e.getMessage(), "restore tokenizer.json from the model's original files", e);
        } catch (LinkageError e) {
            throw new SamException(dev.sam.core.ExitCode.FAILURE, "cannot load the HuggingFace tokenizers native"
                    + " library for " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ": "
                    + e.getMessage(), "DJL ships it for Linux x86_64/aarch64, macOS aarch64 and Windows x86_64;"
                    + " check that DJL_CACHE_DIR (default ~/.djl.ai) is writable", e);
        }
        return new Tokenizer(file, hf, Map.copyOf(added), max + 1, readEos(dir, added));
    }

    private static String readEos(Path dir, Map<String, Integer> added) {
        Path cfg = dir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(cfg)) {
            try {
                JsonNode eos = Json.mapper().readTree(cfg.toFile()).path("eos_token");
                String s = eos.isObject() ? eos.path("content").asText(null) : eos.asText(null);
                if (s != null && !s.isEmpty() && added.containsKey(s)) {
                    return s;
                }
            } catch (IOException ignored) {
                // fall back to Qwen's conventions below
            }
        }
        return added.containsKey(SpecialTokens.IM_END) ? SpecialTokens.IM_END
                : added.containsKey(SpecialTokens.ENDOFTEXT) ? SpecialTokens.ENDOFTEXT : null;
    }

    public Path file() {
        return file;
    }

    public int[] encode(String text) {
        long[] ids = hf.encode(text).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /** The text of the ids, special tokens included (exact inverse of {@link #encode}). */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return hf.decode(l, skipSpecialTokens);
    }

    /** Id of an added (special) token such as {@code <|im_end|>}. */
    public OptionalInt specialTokenId(String token) {
        Integer id = added.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Id of a special token that must exist; a SamException naming the file otherwise. */
    public int requireSpecialToken(String token) {
        return specialTokenId(token).orElseThrow(() -> SamException.failure("tokenizer " + file
                + " has no special token " + token, "SAM needs a Qwen2-style tokenizer with " + SpecialTokens.ALL));
    }

    /** The end-of-sequence token (tokenizer_config's eos_token, else {@code <|im_end|>}); may be null. */
    public String eosToken() {
        return eosToken;
    }

    public int eosTokenId() {
        if (eosToken == null) {
            throw SamException.failure("tokenizer " + file + " defines no end-of-sequence token",
                    "add eos_token to tokenizer_config.json");
        }
        return added.get(eosToken);
    }

    /** Number of ids the tokenizer can produce (highest id + 1). */
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public void close() {
        hf.close();
    }
}
