package dev.sam.core.store;

import java.util.List;

/**
 * One step of a module's schema: version numbers start at 1 and grow by one per module. Applied steps
 * are recorded in {@code schema_migrations}; a step is never edited once released, only followed.
 */
public record Migration(String module, int version, String description, List<String> statements) {
}
