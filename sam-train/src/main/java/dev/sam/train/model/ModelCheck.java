package dev.sam.train.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * The result of checking a model directory: every problem found (empty when the model is usable),
 * warnings, and what the model is. {@code config} is null when config.json could not be read.
 */
public record ModelCheck(String dir, @JsonIgnore ModelConfig config, String shape, String dtype,
                         String quantization, Long params, Integer tokenizerVocab, long sizeBytes,
                         List<String> weightFiles, List<String> problems, List<String> warnings) {

    public boolean ok() {
        return problems.isEmpty();
    }
}
