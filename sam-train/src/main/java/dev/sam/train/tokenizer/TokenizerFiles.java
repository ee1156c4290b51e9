package dev.sam.train.tokenizer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes a trained {@link BpeVocabulary} as HuggingFace files: {@code tokenizer.json} (BPE model,
 * ByteLevel pre-tokenizer with add_prefix_space false and use_regex true, ByteLevel decoder, no
 * normalizer so that decode(encode(text)) == text for any UTF-8, Qwen's three special tokens as
 * added tokens after the BPE vocabulary) and {@code tokenizer_config.json} (Qwen2.5's chat template,
 * eos {@code <|im_end|>}, pad {@code <|endoftext|>}), the layout of Qwen/Qwen2.5-Coder-*-Instruct.
 *
 * <pre>TokenizerFiles.write(dir, new ByteLevelBpeTrainer(512).train(BuiltinCorpus.texts()));</pre>
 */
public final class TokenizerFiles {
    private TokenizerFiles() {
    }

    /** Writes both files into {@code dir}; returns the total vocabulary size (BPE + special tokens). */
    public static int write(Path dir, BpeVocabulary bpe) throws IOException {
        AtomicFiles.writeString(dir.resolve("tokenizer.json"), Json.pretty(tokenizerJson(bpe)) + "\n");
        AtomicFiles.writeString(dir.resolve("tokenizer_config.json"), Json.pretty(tokenizerConfig(bpe)) + "\n");
        return bpe.size() + SpecialTokens.WRITTEN.size();
    }

    static ObjectNode tokenizerJson(BpeVocabulary bpe) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        int id = bpe.size();
        for (String s : SpecialTokens.WRITTEN) {
            added.addObject().put("id", id++).put("content", s).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(true));
        root.set("post_processor", byteLevel(false));
        root.set("decoder", byteLevel(true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        bpe.vocab().forEach(vocab::put);
        ArrayNode merges = model.putArray("merges");
        for (String[] m : bpe.merges()) {
            merges.add(m[0] + " " + m[1]); // byte-level symbols never contain a plain space
        }
        return root;
    }

    private static ObjectNode byteLevel(boolean trimOffsets) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", false);
        n.put("trim_offsets", trimOffsets);
        n.put("use_regex", true);
        return n;
    }

    static ObjectNode tokenizerConfig(BpeVocabulary bpe) throws IOException {
        ObjectNode c = Json.mapper().createObjectNode();
        c.put("add_bos_token", false);
        c.put("add_prefix_space", false);
        ObjectNode dec = c.putObject("added_tokens_decoder");
        int id = bpe.size();
        for (String s : SpecialTokens.WRITTEN) {
            dec.putObject(String.valueOf(id++)).put("content", s).put("lstrip", false).put("normalized", false)
                    .put("rstrip", false).put("single_word", false).put("special", true);
        }
        c.putArray("additional_special_tokens").add(SpecialTokens.IM_START).add(SpecialTokens.IM_END);
        c.putNull("bos_token");
        c.put("chat_template", ChatTemplate.jinjaSource());
        c.put("clean_up_tokenization_spaces", false);
        c.put("eos_token", SpecialTokens.IM_END);
        c.put("errors", "replace");
        c.put("model_max_length", 32768);
        c.put("pad_token", SpecialTokens.ENDOFTEXT);
        c.put("split_special_tokens", false);
        c.put("tokenizer_class", "Qwen2Tokenizer");
        c.putNull("unk_token");
        return c;
    }

    static String resource(String name) throws IOException {
        try (InputStream in = TokenizerFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
