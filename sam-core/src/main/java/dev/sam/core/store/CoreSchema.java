package dev.sam.core.store;

import java.util.List;

/**
 * Tables owned by sam-core: runs, versions, events, collect cursors and per-version request metrics
 * (whose statements {@link RequestMetricsRepository} owns with its queries).
 * Modules keep their own tables in their own migration lists (module name = table prefix owner).
 */
public final class CoreSchema {
    public static final String MODULE = "core";

    public static final List<Migration> MIGRATIONS = List.of(
            new Migration(MODULE, 1, "runs, versions, events, cursors, request metrics", List.of(
                    """
                    CREATE TABLE runs (
                      run_id TEXT PRIMARY KEY,
                      start_time TEXT NOT NULL,
                      end_time TEXT,
                      samples_count INTEGER NOT NULL DEFAULT 0,
                      base_model TEXT,
                      profile TEXT,
                      status TEXT NOT NULL,
                      metrics TEXT NOT NULL DEFAULT '{}',
                      output_path TEXT,
                      error TEXT)""",
                    """
                    CREATE TABLE versions (
                      version TEXT PRIMARY KEY,
                      created_at TEXT NOT NULL,
                      deployed_at TEXT,
                      status TEXT NOT NULL,
                      base_model TEXT,
                      adapter_path TEXT,
                      training_run_id TEXT,
                      training_samples INTEGER NOT NULL DEFAULT 0,
                      metrics TEXT NOT NULL DEFAULT '{}',
                      checksum TEXT,
                      description TEXT)""",
                    """
                    CREATE TABLE events (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      time TEXT NOT NULL,
                      kind TEXT NOT NULL,
                      version TEXT,
                      run_id TEXT,
                      message TEXT NOT NULL,
                      data TEXT NOT NULL DEFAULT '{}')""",
                    "CREATE INDEX events_kind_time ON events(kind, time)",
                    """
                    CREATE TABLE collect_cursors (
                      source TEXT NOT NULL,
                      key TEXT NOT NULL,
                      value TEXT NOT NULL,
                      updated_at TEXT NOT NULL,
                      PRIMARY KEY (source, key))""",
                    RequestMetricsRepository.CREATE_TABLE,
                    RequestMetricsRepository.CREATE_INDEX)),
            new Migration(MODULE, 2, "request metrics: prompt size, queueing, time to first token, concurrency",
                    RequestMetricsRepository.ADD_SERVICE_COLUMNS));

    private CoreSchema() {
    }
}
