package dev.sam.serve.api;

import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.store.Database;
import dev.sam.serve.routing.VersionWatcher;
import java.util.List;

/**
 * What the status endpoints share: the home, config and database, the served versions, and facts
 * about this server (its URL, start time, inference engine, warnings given at start).
 */
public record ServeState(SamHome home, SamConfig config, Database db, VersionWatcher versions, String url,
                         long startedMillis, String engine, List<String> warnings) {
    public ServeState {
        warnings = List.copyOf(warnings);
    }
}
