package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sam.core.PackageCycles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packages of sam-serve form layers: no package depends, directly or not, on one that depends on it. */
class NoPackageCycleTest {
    @Test
    void packagesFormNoCycle() throws Exception {
        assertEquals(List.of(), PackageCycles.of(Path.of("src/main/java")));
    }
}
