package dev.sam.train.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import dev.sam.train.tokenizer.SpecialTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An Ollama {@code Modelfile} for a GGUF file (Ollama docs/modelfile.md): FROM the file beside it, a
 * ChatML TEMPLATE in Ollama's Go-template syntax (system turn, then every message as
 * {@code <|im_start|>role\ncontent<|im_end|>}, then the assistant's turn is opened — what Qwen2.5's Jinja
 * chat template renders), the ChatML stop tokens and sampling PARAMETERs from the model's
 * generation_config.json (Qwen2.5's published defaults when it has none), so {@code ollama create NAME -f
 * Modelfile} works as is.
 */
public final class OllamaModelfile {
    static final String TEMPLATE = """
            {{- if .System }}<|im_start|>system
            {{ .System }}<|im_end|>
            {{ end }}
            {{- range $i, $_ := .Messages }}
            {{- $last := eq (len (slice $.Messages $i)) 1 -}}
            <|im_start|>{{ .Role }}
            {{ .Content }}{{ if not $last }}<|im_end|>
            {{ end }}
            {{- if and (ne .Role "assistant") $last }}<|im_end|>
            <|im_start|>assistant
            {{ end }}
            {{- end }}""";

    private OllamaModelfile() {
    }

    /** The Modelfile text for {@code gguf} (referenced by file name: Ollama resolves FROM against the Modelfile's directory). */
    public static String of(Path gguf, Path modelDir, int contextLength) {
        JsonNode gen = generationConfig(modelDir);
        StringBuilder b = new StringBuilder();
        b.append("# Written by `sam export gguf --ollama`. Create the model with: ollama create NAME -f Modelfile\n");
        b.append("FROM ./").append(gguf.getFileName()).append('\n');
        b.append("TEMPLATE \"\"\"").append(TEMPLATE).append("\"\"\"\n");
        b.append("SYSTEM \"\"\"").append(dev.sam.train.tokenizer.ChatTemplate.DEFAULT_SYSTEM).append("\"\"\"\n");
        for (String stop : new String[] {SpecialTokens.IM_START, SpecialTokens.IM_END, SpecialTokens.ENDOFTEXT}) {
            b.append("PARAMETER stop \"").append(stop).append("\"\n");
        }
        b.append("PARAMETER temperature ").append(number(gen, "temperature", 0.7)).append('\n');
        b.append("PARAMETER top_p ").append(number(gen, "top_p", 0.8)).append('\n');
        b.append("PARAMETER top_k ").append((long) number(gen, "top_k", 20)).append('\n');
        b.append("PARAMETER repeat_penalty ").append(number(gen, "repetition_penalty", 1.05)).append('\n');
        b.append("PARAMETER num_ctx ").append(Math.min(contextLength, 4096)).append('\n');
        return b.toString();
    }

    private static double number(JsonNode gen, String key, double dflt) {
        return gen.path(key).isNumber() ? gen.get(key).asDouble() : dflt;
    }

    private static JsonNode generationConfig(Path dir) {
        Path f = dir.resolve("generation_config.json");
        try {
            return Files.isRegularFile(f) ? Json.mapper().readTree(f.toFile()) : Json.mapper().createObjectNode();
        } catch (IOException e) {
            return Json.mapper().createObjectNode();
        }
    }
}
