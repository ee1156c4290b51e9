package dev.sam.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.config.ConfigLoader;
import dev.sam.core.io.ProcessLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs are checked before anything changes; dry runs write nothing; one collection at a time. */
class CollectServiceTest {
    @TempDir
    Path tmp;

    @Test
    void aPathThatIsNotARepositoryIsAUsageErrorAndChangesNothing() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        TestRepo repo = TestRepo.init(tmp.resolve("repo"));
        repo.write("a.py", "x = 1\n").commit("Add the first module of the project");
        Path sub = Files.createDirectories(repo.dir().resolve("src"));
        try (Harness h = new Harness(tmp)) {
            h.collect(Source.COMMITS, List.of(repo.dir()));
            String before = h.text(Source.COMMITS);
            SamException e = assertThrows(SamException.class, () -> h.collect(Source.COMMITS, List.of(repo.dir(), plain)));
            assertEquals(ExitCode.USAGE, e.exitCode());
            assertEquals("--repo " + plain + " is not a git repository", e.getMessage());
            SamException inside = assertThrows(SamException.class, () -> h.collect(Source.COMMITS, List.of(sub)));
            assertTrue(inside.hint().contains("it is inside the repository " + repo.dir()), inside.hint());
            SamException missing = assertThrows(SamException.class,
                    () -> h.collect(Source.COMMITS, List.of(tmp.resolve("nope"))));
            assertTrue(missing.getMessage().endsWith("does not exist"), missing.getMessage());
            assertEquals(before, h.text(Source.COMMITS), "nothing collected is lost");
        }
    }

    @Test
    void aRepositoryFromConfigThatIsMissingIsAFailureNamingTheKey() throws Exception {
        try (Harness h = new Harness(tmp)) {
            h.config = ConfigLoader.parse("collect:\n  repos: [" + tmp.resolve("gone") + "]\n", tmp.resolve("config.yaml"));
            SamException e = assertThrows(SamException.class, () -> h.collect(CollectRequest.all()));
            assertEquals(ExitCode.FAILURE, e.exitCode());
            assertTrue(e.getMessage().startsWith("config.yaml collect.repos: "), e.getMessage());
        }
    }

    @Test
    void anEmptyRepositoryIsANoteNotAnError() throws Exception {
        TestRepo empty = TestRepo.init(tmp.resolve("empty"));
        try (Harness h = new Harness(tmp)) {
            CollectReport r = h.collect(new CollectRequest(Set.of(Source.COMMITS, Source.CODE), List.of(empty.dir()),
                    null, null, null, false));
            assertEquals(0, r.added());
            assertTrue(h.report(r, Source.COMMITS).notes().get(0).contains("has no commits yet"),
                    h.report(r, Source.COMMITS).notes().toString());
        }
    }

    @Test
    void allSourcesSkipThoseWithoutInputButAnExplicitSourceNeedsOne() throws Exception {
        try (Harness h = new Harness(tmp)) {
            CollectReport r = h.collect(CollectRequest.all());
            assertTrue(h.report(r, Source.COMMITS).skipped().startsWith("no repositories"));
            assertEquals(null, h.report(r, Source.DISTILL).skipped());
            assertTrue(Files.exists(h.home.manifest()), "a run is recorded even when it found nothing");
            SamException e = assertThrows(SamException.class, () -> h.collect(new CollectRequest(Set.of(Source.ROUTING),
                    null, null, null, null, false)));
            assertEquals(ExitCode.USAGE, e.exitCode());
            assertTrue(e.getMessage().contains("no routing logs"), e.getMessage());
            SamException since = assertThrows(SamException.class, () -> h.collect(new CollectRequest(Set.of(),
                    null, null, null, "last tuesday", false)));
            assertEquals("--since 'last tuesday' is not a date", since.getMessage());
        }
    }

    @Test
    void aDryRunWritesNothing() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("repo"));
        repo.write("a.py", "def f():\n    \"\"\"Return one, the loneliest number of them all.\"\"\"\n    return 1\n")
                .commit("Add the first module of the project");
        try (Harness h = new Harness(tmp)) {
            CollectReport dry = h.collect(new CollectRequest(Set.of(), List.of(repo.dir()), null, null, null, true));
            assertTrue(dry.dryRun());
            assertEquals(3, dry.added(), "1 commit + 2 code samples: " + dry);
            assertFalse(Files.exists(h.home.manifest()));
            assertEquals("", h.text(Source.COMMITS));
            CollectReport real = h.collect(new CollectRequest(Set.of(), List.of(repo.dir()), null, null, null, false));
            assertEquals(dry.added(), real.added(), "a dry run predicts the real one");
        }
    }

    @Test
    void aSecondCollectionIsRefusedWhileOneRuns() throws Exception {
        try (Harness h = new Harness(tmp);
             ProcessLock held = ProcessLock.tryAcquire(h.home.lockFile(CollectService.LOCK), "sam collect (test)").orElseThrow()) {
            // the OS lock is per process; in one JVM a second tryAcquire is refused the same way
            SamException e = assertThrows(SamException.class, () -> h.collect(CollectRequest.all()));
            assertEquals(ExitCode.NOT_READY, e.exitCode());
            assertTrue(e.getMessage().contains("sam collect (test)"), e.getMessage());
        }
    }
}
