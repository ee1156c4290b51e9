package dev.sam.core.store;

import java.util.List;

/**
 * The A/B tables (module "ab"): every generated answer with the version that gave it
 * ({@link OutcomeRepository}), the feedback posted against it, and progressive canary rollouts
 * ({@link RolloutRepository}). Kept apart from sam-core's first migration so each table has one owner.
 */
public final class AbSchema {
    public static final String MODULE = "ab";

    public static final List<Migration> MIGRATIONS = List.of(
            new Migration(MODULE, 1, "answered requests, feedback, progressive canary rollouts", List.of(
                    """
                    CREATE TABLE ab_responses (
                      id TEXT PRIMARY KEY,
                      time_ms INTEGER NOT NULL,
                      version TEXT NOT NULL,
                      endpoint TEXT NOT NULL,
                      prompt TEXT NOT NULL,
                      answer TEXT NOT NULL)""",
                    "CREATE INDEX ab_responses_time ON ab_responses(time_ms)",
                    """
                    CREATE TABLE ab_feedback (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      response_id TEXT NOT NULL,
                      time_ms INTEGER NOT NULL,
                      version TEXT NOT NULL,
                      rating INTEGER,
                      accepted INTEGER,
                      edited INTEGER NOT NULL,
                      positive INTEGER NOT NULL)""",
                    "CREATE INDEX ab_feedback_response ON ab_feedback(response_id, id)",
                    """
                    CREATE TABLE ab_rollouts (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      version TEXT NOT NULL,
                      baseline TEXT,
                      steps TEXT NOT NULL,
                      step_index INTEGER NOT NULL,
                      interval_ms INTEGER NOT NULL,
                      min_samples INTEGER NOT NULL,
                      alpha REAL NOT NULL,
                      margin REAL NOT NULL,
                      max_analyses INTEGER NOT NULL,
                      started_ms INTEGER NOT NULL,
                      step_started_ms INTEGER NOT NULL,
                      last_analysis_ms INTEGER NOT NULL,
                      final_analyses INTEGER NOT NULL DEFAULT 0,
                      state TEXT NOT NULL,
                      reason TEXT)""")));

    private AbSchema() {
    }
}
