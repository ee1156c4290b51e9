package dev.sam.core;

import dev.sam.core.home.SamHome;
import java.nio.file.Path;

/** Test helper shared with other modules (sam-core test-jar): a fresh SAM_HOME with its layout. */
public final class TestHomes {
    private TestHomes() {
    }

    public static SamHome fresh(Path dir) {
        return SamHome.of(dir.resolve("sam-home")).ensureLayout();
    }

    /** The repository root (for testdata/), from the surefire property or the working directory. */
    public static Path repoRoot() {
        String p = System.getProperty("sam.repo.root");
        Path start = p != null ? Path.of(p) : Path.of("").toAbsolutePath();
        for (Path d = start; d != null; d = d.getParent()) {
            if (d.resolve("testdata").toFile().isDirectory() && d.resolve("pom.xml").toFile().isFile()) {
                return d;
            }
        }
        throw new IllegalStateException("cannot find the repository root (with testdata/) above " + start);
    }

    public static Path testdata(String name) {
        return repoRoot().resolve("testdata").resolve(name);
    }
}
