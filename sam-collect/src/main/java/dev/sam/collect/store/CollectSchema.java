package dev.sam.collect.store;

import dev.sam.core.store.Migration;
import java.util.List;

/**
 * sam-collect's tables in sam.db. {@code collect_samples} and {@code collect_files} are an index derived
 * from the JSONL files (rebuilt from them when missing or behind); the code index, doc-file state and
 * distillation captures are this module's own data.
 */
public final class CollectSchema {
    public static final String MODULE = "collect";

    public static final List<Migration> MIGRATIONS = List.of(
            new Migration(MODULE, 1, "dedup index, code index, doc files, distillation captures", List.of(
                    """
                    CREATE TABLE collect_samples (
                      hash TEXT PRIMARY KEY,
                      file TEXT NOT NULL,
                      source TEXT NOT NULL,
                      minhash BLOB,
                      added_at TEXT NOT NULL)""",
                    "CREATE INDEX collect_samples_file ON collect_samples(file)",
                    """
                    CREATE TABLE collect_files (
                      file TEXT PRIMARY KEY,
                      indexed_bytes INTEGER NOT NULL,
                      updated_at TEXT NOT NULL)""",
                    """
                    CREATE TABLE collect_code_files (
                      repo TEXT NOT NULL,
                      path TEXT NOT NULL,
                      blob TEXT NOT NULL,
                      language TEXT NOT NULL,
                      symbols INTEGER NOT NULL,
                      indexed_at TEXT NOT NULL,
                      PRIMARY KEY (repo, path))""",
                    "CREATE INDEX collect_code_files_blob ON collect_code_files(blob)",
                    """
                    CREATE TABLE collect_code_symbols (
                      blob TEXT NOT NULL,
                      language TEXT NOT NULL,
                      kind TEXT NOT NULL,
                      name TEXT NOT NULL,
                      signature TEXT NOT NULL,
                      doc TEXT,
                      start_line INTEGER NOT NULL,
                      end_line INTEGER NOT NULL,
                      quality REAL NOT NULL,
                      PRIMARY KEY (blob, start_line, name))""",
                    """
                    CREATE TABLE collect_doc_files (
                      path TEXT PRIMARY KEY,
                      sha256 TEXT NOT NULL,
                      sections INTEGER NOT NULL,
                      indexed_at TEXT NOT NULL)""",
                    """
                    CREATE TABLE distill_captures (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      hash TEXT NOT NULL UNIQUE,
                      captured_at TEXT NOT NULL,
                      kind TEXT NOT NULL,
                      domain TEXT,
                      quality REAL NOT NULL,
                      origin TEXT,
                      document TEXT NOT NULL)""")),
            // the prompt hash finds conflicts (one question, two answers); the index is derived from the
            // JSONL files, so it is emptied here and IndexCatchUp rebuilds it, prompts included, from the files
            new Migration(MODULE, 2, "prompt hashes in the dedup index", List.of(
                    "ALTER TABLE collect_samples ADD COLUMN prompt TEXT",
                    "DELETE FROM collect_samples",
                    "DELETE FROM collect_files")));

    private CollectSchema() {
    }
}
