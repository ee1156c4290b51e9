package dev.sam.train.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.json.Json;
import dev.sam.train.tokenizer.ByteLevel;
import dev.sam.train.tokenizer.SpecialTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A HuggingFace byte-level BPE tokenizer (tokenizer.json + tokenizer_config.json) as llama.cpp's
 * {@code tokenizer.ggml.*} metadata, the way convert_hf_to_gguf.py's {@code _set_vocab_gpt2} writes it:
 * model "gpt2"; tokens by id, padded to the model's vocab_size with {@code [PADn]} of type UNUSED (the
 * embedding has that many rows); token types NORMAL 1, CONTROL 3 (special added tokens), USER_DEFINED 4
 * (other added tokens), UNUSED 5; the merges as "a b"; bos/eos/padding ids; add_bos_token false (Qwen
 * prepends nothing); the chat template. The pre-tokenizer name says how llama.cpp splits text before
 * BPE, and must be the split tokenizer.json does: "qwen2" for Qwen2's Split regex, "gpt-2" for a plain
 * ByteLevel pre-tokenizer with GPT-2's regex (SAM's tiny model); anything else is refused, because
 * llama.cpp would then tokenize differently from the model's training.
 */
public final class GgufTokenizer {
    static final int NORMAL = 1;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;

    private GgufTokenizer() {
    }

    /** Adds the tokenizer keys for the model in {@code dir} with {@code vocabSize} embedding rows. */
    public static void addTo(GgufMetadata m, Path dir, int vocabSize) {
        JsonNode tok = read(dir.resolve("tokenizer.json"));
        JsonNode cfg = Files.isRegularFile(dir.resolve("tokenizer_config.json"))
                ? read(dir.resolve("tokenizer_config.json")) : Json.mapper().createObjectNode();
        JsonNode model = tok.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw refuse(dir, "its model is " + model.path("type").asText("missing") + ", not BPE");
        }
        String[] tokens = new String[vocabSize];
        int[] types = new int[vocabSize];
        model.path("vocab").fields().forEachRemaining(e -> set(dir, tokens, types, e.getValue().asInt(), e.getKey(),
                NORMAL));
        for (JsonNode a : tok.path("added_tokens")) {
            set(dir, tokens, types, a.path("id").asInt(), a.path("content").asText(),
                    a.path("special").asBoolean() ? CONTROL : USER_DEFINED);
        }
        for (int i = 0; i < vocabSize; i++) {
            if (tokens[i] == null) {
                tokens[i] = "[PAD" + i + "]";
                types[i] = UNUSED;
            }
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode mg : model.path("merges")) {
            merges.add(mg.isArray() ? mg.get(0).asText() + " " + mg.get(1).asText() : mg.asText());
        }
        List<String> tokenList = Arrays.asList(tokens);
        m.string("tokenizer.ggml.model", "gpt2");
        m.string("tokenizer.ggml.pre", preTokenizer(dir, tok));
        m.strings("tokenizer.ggml.tokens", tokenList);
        m.i32s("tokenizer.ggml.token_type", Arrays.stream(types).boxed().toList());
        m.strings("tokenizer.ggml.merges", merges);
        int eos = id(tokenList, special(cfg, "eos_token", SpecialTokens.IM_END));
        int pad = id(tokenList, special(cfg, "pad_token", SpecialTokens.ENDOFTEXT));
        int bos = id(tokenList, special(cfg, "bos_token", SpecialTokens.ENDOFTEXT));
        if (bos >= 0) {
            m.u32("tokenizer.ggml.bos_token_id", bos);
        }
        if (eos < 0) {
            throw refuse(dir, "it has no end-of-sequence token (" + special(cfg, "eos_token", SpecialTokens.IM_END)
                    + ")");
        }
        m.u32("tokenizer.ggml.eos_token_id", eos);
        if (pad >= 0) {
            m.u32("tokenizer.ggml.padding_token_id", pad);
        }
        m.bool("tokenizer.ggml.add_bos_token", false);
        if (cfg.path("chat_template").isTextual()) {
            m.string("tokenizer.chat_template", cfg.get("chat_template").asText());
        }
    }

    /** llama.cpp's pre-tokenizer name for the split tokenizer.json does (see the class comment). */
    static String preTokenizer(Path dir, JsonNode tok) {
        JsonNode pre = tok.path("pre_tokenizer");
        if ("ByteLevel".equals(pre.path("type").asText()) && pre.path("use_regex").asBoolean(true)) {
            return "gpt-2";
        }
        JsonNode seq = pre.path("pretokenizers");
        if ("Sequence".equals(pre.path("type").asText()) && seq.size() == 2
                && "Split".equals(seq.get(0).path("type").asText())
                && ByteLevel.QWEN2_SPLIT_REGEX.equals(seq.get(0).path("pattern").path("Regex").asText())
                && "ByteLevel".equals(seq.get(1).path("type").asText())
                && !seq.get(1).path("use_regex").asBoolean(true)) {
            return "qwen2";
        }
        throw refuse(dir, "its pre-tokenizer is neither Qwen2's Split regex nor GPT-2's ByteLevel regex, so llama.cpp"
                + " would split text differently: " + pre);
    }

    /** The token string a tokenizer_config.json entry names ("<|im_end|>" or {"content": ...}); else the default. */
    private static String special(JsonNode cfg, String key, String dflt) {
        JsonNode n = cfg.get(key);
        if (n == null) {
            return dflt;
        }
        if (n.isNull()) {
            return dflt;
        }
        return n.isTextual() ? n.asText() : n.path("content").asText(dflt);
    }

    private static int id(List<String> tokens, String token) {
        return tokens.indexOf(token);
    }

    private static void set(Path dir, String[] tokens, int[] types, int id, String token, int type) {
        if (id < 0 || id >= tokens.length) {
            throw refuse(dir, "token " + token + " has id " + id + ", outside the model's vocab_size " + tokens.length);
        }
        tokens[id] = token;
        types[id] = type;
    }

    private static JsonNode read(Path file) {
        try {
            return Json.mapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw SamException.failure("cannot read " + file + ": " + e.getMessage(),
                    "the model directory needs a HuggingFace tokenizer.json");
        }
    }

    private static SamException refuse(Path dir, String why) {
        return SamException.failure("the tokenizer in " + dir + " cannot be written for llama.cpp: " + why,
                "GGUF export supports Qwen2-style byte-level BPE tokenizers (tokenizer.json with a BPE model)");
    }
}
