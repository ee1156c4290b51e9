package dev.sam.quickstart;

import dev.sam.collect.git.GitHistory;
import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.config.ConfigLoader;
import dev.sam.core.config.SamConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quickstart's parts that need no training (the whole loop runs in sam-cli's QuickstartCliTest): the
 * home it may and may not use, the repository it collects, its config, its demo tasks, and how a failure
 * becomes a message naming the step with a remedy for the directory at hand.
 */
class QuickstartPartsTest {
    @TempDir
    Path tmp;

    private static QuickstartContext ctx(Path dir) {
        return new QuickstartContext(new QuickstartRequest(dir, dir, false), QuickstartListener.NONE);
    }

    @Test
    void aNewDirectoryIsMadeAHomeAndReusedOnlyWhenTheQuickstartMadeIt() throws Exception {
        Path dir = tmp.resolve("demo");
        try (QuickstartContext c = ctx(dir)) {
            Step.Outcome o = new PrepareHomeStep().run(c);
            assertFalse(c.reused);
            assertEquals(0, o.details().get("runs_before"));
            assertTrue(Files.isRegularFile(dir.resolve(PrepareHomeStep.MARKER)));
            assertTrue(Files.readString(dir.resolve("config.yaml")).startsWith(QuickstartConfig.MARKER));
        }
        try (QuickstartContext c = ctx(dir)) {
            new PrepareHomeStep().run(c);
            assertTrue(c.reused, "made by the quickstart: reused");
        }

        Path foreign = Files.createDirectories(tmp.resolve("real-home"));
        Files.writeString(foreign.resolve("config.yaml"), "training:\n  min_samples: 5\n");
        try (QuickstartContext c = ctx(foreign)) {
            SamException e = assertThrows(SamException.class, () -> new PrepareHomeStep().run(c));
            assertEquals(ExitCode.USAGE, e.exitCode());
            assertTrue(e.getMessage().contains("is not empty and was not made by `sam quickstart`"), e.getMessage());
            assertTrue(e.hint().contains("--dir DIR"), e.hint());
        }
        assertEquals("training:\n  min_samples: 5\n", Files.readString(foreign.resolve("config.yaml")), "untouched");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        try (QuickstartContext c = ctx(file)) {
            SamException e = assertThrows(SamException.class, () -> new PrepareHomeStep().run(c));
            assertTrue(e.getMessage().endsWith("is a file, not a directory"), e.getMessage());
        }
    }

    @Test
    void theConfigIsValidAndMakesTheQuickstartProfileTheDefault() throws Exception {
        Path f = Files.writeString(tmp.resolve("config.yaml"), QuickstartConfig.yaml());
        SamConfig c = ConfigLoader.load(f);
        assertEquals(QuickstartConfig.PROFILE, c.training().defaultProfile());
        assertEquals(QuickstartModel.NAME, c.training().baseModel());
        assertTrue(c.training().profiles().containsKey(QuickstartConfig.PROFILE));
    }

    @Test
    void theSampleRepositoryIsFoundFromInsideItAndMadeOnce() throws Exception {
        Path repo = SampleRepo.ensure(tmp.resolve("sample"));
        Path sub = Files.createDirectories(repo.resolve("tinyurl"));
        assertEquals(Optional.of(repo), GitHistory.enclosing(sub));
        assertEquals(Optional.of(repo.resolve("README.md")), RepositoryChoice.readme(repo));
        assertNull(GitHistory.sinceForNewest(repo, 100), "4 commits: all of them are read");
        OffsetDateTime second = OffsetDateTime.parse(GitHistory.sinceForNewest(repo, 2));
        assertEquals(1_767_225_600L + 3 * 3600, second.toEpochSecond(), "the 2nd newest of 4 hourly commits");
        long before = Files.getLastModifiedTime(repo.resolve(".git")).toMillis();
        assertEquals(repo, SampleRepo.ensure(repo));
        assertEquals(before, Files.getLastModifiedTime(repo.resolve(".git")).toMillis(), "reused, not remade");

        Path empty = tmp.resolve("no-commits");
        Git.init().setDirectory(empty.toFile()).call().close();
        assertEquals(Optional.empty(), GitHistory.enclosing(empty), "a repository without commits is no source");
    }

    @Test
    void theDemoAsksTwoTasksForTheNewHandlerAndOneEachForOthers() {
        List<BundledData.Route> demo = ServeStep.demoTasks();
        assertEquals(ServeStep.DEMO_TASKS, demo.size());
        assertEquals(BundledData.NEW_HANDLER, demo.get(0).route());
        assertEquals(BundledData.NEW_HANDLER, demo.get(1).route());
        assertEquals(demo.size(), demo.stream().map(BundledData.Route::task).distinct().count());
        assertTrue(BundledData.routes(BundledData.ROUTING_1).stream().noneMatch(r -> r.route().equals(
                BundledData.NEW_HANDLER)), "the first part of the log does not know the new handler");
    }

    @Test
    void failuresNameARemedyForThisDirectory() {
        Path dir = tmp.resolve("demo");
        Step verify = new SwitchStep(false);
        SamException fromStep = QuickstartService.asSamException(SamException.failure("store broken", verify.remedy()),
                verify, dir);
        assertEquals(ExitCode.FAILURE, fromStep.exitCode());
        assertTrue(fromStep.hint().contains("sam --sam-home " + dir + " verify"), fromStep.hint());

        SamException interrupted = QuickstartService.asSamException(new SamException(ExitCode.INTERRUPTED,
                "training run R interrupted", "resume it with `sam train --resume R`"), new TrainStep(1), dir);
        assertEquals(ExitCode.INTERRUPTED, interrupted.exitCode());
        assertEquals("run `sam quickstart --dir " + dir + "` again: it goes on in the same directory (or: resume it "
                + "with `sam --sam-home " + dir + " train --resume R`)", interrupted.hint());

        SamException service = QuickstartService.asSamException(SamException.failure("evaluation failed",
                "evaluate it with `sam eval R`; `sam status` shows the run"), new TrainStep(1), dir);
        assertEquals("evaluate it with `sam --sam-home " + dir + " eval R`; `sam --sam-home " + dir
                + " status` shows the run", service.hint(), "a service's hint points at the quickstart's home");

        SamException io = QuickstartService.asSamException(new IOException("No space left on device"),
                new BaseModelStep(), dir);
        assertEquals(ExitCode.FAILURE, io.exitCode());
        assertEquals("I/O error: No space left on device", io.getMessage());
        SamException bug = QuickstartService.asSamException(new IllegalStateException("oops"), new ServeStep(), dir);
        assertEquals(ExitCode.INTERNAL, bug.exitCode());
        assertTrue(bug.hint().contains("logs/sam.log"), bug.hint());
    }
}
