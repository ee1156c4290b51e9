package dev.sam.core.model;

import java.util.Map;

/** A DPO preference pair in TRL's convention: {@code prompt, chosen, rejected}. */
public record PreferencePair(String prompt, String chosen, String rejected, String id, String source,
                             String createdAt, Map<String, Object> meta) {
}
