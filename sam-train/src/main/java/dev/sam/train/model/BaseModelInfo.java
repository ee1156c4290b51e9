package dev.sam.train.model;

import java.util.List;

/**
 * A registered base model as {@code sam models} lists it: its name under SAM_HOME/models/base, where its
 * files are ({@code linkTarget} when registered as a symlink), what it is, and any problem found
 * (for example a symlink whose target was moved).
 */
public record BaseModelInfo(String name, String path, String linkTarget, String shape, String dtype,
                            String quantization, Long params, long sizeBytes, List<String> problems) {
}
