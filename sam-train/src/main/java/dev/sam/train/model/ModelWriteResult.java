package dev.sam.train.model;

import java.util.List;

/**
 * The result of writing a model directory ({@code sam model init-tiny | random | quantize}): where it is,
 * the name it is registered under (null when not registered), and what it holds. Fields that do not
 * apply are null.
 */
public record ModelWriteResult(String path, String registeredAs, String shape, String dtype, String quantization,
                               long params, long weightBytes, long sizeBytes, Integer tokenizerVocab, Integer merges,
                               Integer quantizedModules, List<String> copiedFiles, List<String> droppedTensors) {
}
