package dev.sam.collect;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What to collect. A null list means "as configured in config.yaml"; a given one (from the command line)
 * replaces the configured one. An empty source set means all sources.
 *
 * @param since ISO date, date-time or age (30d); null = config collect.since, else all history
 */
public record CollectRequest(Set<Source> sources, List<Path> repos, List<Path> docs, List<Path> routingLogs,
                             String since, boolean dryRun) {

    public CollectRequest {
        sources = sources == null ? Set.of() : Set.copyOf(sources);
    }

    /** Everything configured. */
    public static CollectRequest all() {
        return new CollectRequest(Set.of(), null, null, null, null, false);
    }
}
