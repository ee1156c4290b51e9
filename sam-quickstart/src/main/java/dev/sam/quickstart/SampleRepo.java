package dev.sam.quickstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import dev.sam.train.model.StagedDirectory;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * The small git repository the quickstart collects from when it is not run inside one: a little Python
 * library with a README and a handful of commits with real messages, made with JGit (no git binary).
 * Made once in {@code DIR/sample-repo}, then reused.
 *
 * <pre>Path repo = SampleRepo.ensure(dir.resolve("sample-repo"));</pre>
 */
final class SampleRepo {
    private static final String README = """
            # tinyurl-py

            A small URL shortener library: it turns long links into short codes and back,
            stores them in SQLite, and counts how often each code is resolved.

            ## Install

            Install it from the repository with `pip install .` and run the tests with `pytest`.
            Python 3.9 or newer is needed; there are no other dependencies.

            ## Usage

            Create a `Shortener` with the path of its database, call `shorten(url)` to get a code,
            and `resolve(code)` to get the URL back. Unknown codes raise `KeyError`.
            """;

    private static final String[][] COMMITS = {
        {"Add the Shortener class with shorten and resolve", "tinyurl/shortener.py", """
            import hashlib


            class Shortener:
                \"\"\"Turns long URLs into short codes and back.\"\"\"

                def __init__(self):
                    self.codes = {}

                def shorten(self, url):
                    code = hashlib.sha256(url.encode()).hexdigest()[:7]
                    self.codes[code] = url
                    return code

                def resolve(self, code):
                    return self.codes[code]
            """},
        {"Store codes in SQLite so they survive a restart", "tinyurl/shortener.py", """
            import hashlib
            import sqlite3


            class Shortener:
                \"\"\"Turns long URLs into short codes and back, stored in SQLite.\"\"\"

                def __init__(self, path):
                    self.db = sqlite3.connect(path)
                    self.db.execute("CREATE TABLE IF NOT EXISTS codes (code TEXT PRIMARY KEY, url TEXT)")

                def shorten(self, url):
                    code = hashlib.sha256(url.encode()).hexdigest()[:7]
                    self.db.execute("INSERT OR IGNORE INTO codes VALUES (?, ?)", (code, url))
                    self.db.commit()
                    return code

                def resolve(self, code):
                    row = self.db.execute("SELECT url FROM codes WHERE code = ?", (code,)).fetchone()
                    if row is None:
                        raise KeyError(code)
                    return row[0]
            """},
        {"Add tests for shorten and resolve", "tests/test_shortener.py", """
            import pytest

            from tinyurl.shortener import Shortener


            def test_round_trip(tmp_path):
                s = Shortener(tmp_path / "codes.db")
                assert s.resolve(s.shorten("https://example.org/a/long/path")) == "https://example.org/a/long/path"


            def test_unknown_code(tmp_path):
                with pytest.raises(KeyError):
                    Shortener(tmp_path / "codes.db").resolve("nope")
            """},
        {"Document installation and usage in the README", "README.md", README},
    };

    private SampleRepo() {
    }

    /**
     * The sample repository in {@code dir}, made on first use. It is built in a hidden sibling and renamed
     * into place, so a kill while committing leaves no half-made repository that a later run would reuse.
     */
    static Path ensure(Path dir) throws IOException, GitAPIException {
        if (Files.isDirectory(dir.resolve(".git"))) {
            return dir;
        }
        try (StagedDirectory staged = StagedDirectory.create(dir)) {
            long time = 1_767_225_600L; // 2026-01-01, one commit an hour after it
            try (Git git = Git.init().setDirectory(staged.dir().toFile()).setInitialBranch("main").call()) {
                for (String[] c : COMMITS) {
                    Path f = staged.dir().resolve(c[1]);
                    Files.createDirectories(f.getParent());
                    Files.writeString(f, c[2]);
                    git.add().addFilepattern(".").call();
                    PersonIdent who = new PersonIdent("Sam Quickstart", "quickstart@example.invalid",
                            Instant.ofEpochSecond(time += 3600), ZoneOffset.UTC);
                    git.commit().setMessage(c[0]).setAuthor(who).setCommitter(who).setSign(false).call();
                }
            }
            staged.commit();
        }
        return dir;
    }
}
