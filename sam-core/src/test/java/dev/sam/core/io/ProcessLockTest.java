package dev.sam.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessLockTest {
    @TempDir
    Path dir;

    @Test
    void secondHolderInTheSameProcessIsRefused() {
        Path f = dir.resolve("train.lock");
        try (ProcessLock first = ProcessLock.tryAcquire(f, "run A").orElseThrow()) {
            assertTrue(ProcessLock.tryAcquire(f, "run B").isEmpty());
            assertTrue(ProcessLock.holderOf(f).contains("run A"));
        }
        try (ProcessLock again = ProcessLock.tryAcquire(f, "run B").orElseThrow()) {
            assertTrue(ProcessLock.holderOf(f).contains("run B"));
        }
    }

    @Test
    void anotherProcessHoldingTheLockIsSeenAndNamed() throws Exception {
        Path f = dir.resolve("deploy.lock");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldLock.class.getName(), f.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            assertEquals("held", out.readLine());
            Optional<ProcessLock> mine = ProcessLock.tryAcquire(f, "me");
            assertTrue(mine.isEmpty(), "the child holds it");
            assertTrue(ProcessLock.holderOf(f).contains("pid " + child.pid()), ProcessLock.holderOf(f));
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        // The OS released the dead holder's lock: no stale lock.
        try (ProcessLock l = ProcessLock.acquire(f, "me")) {
            assertTrue(ProcessLock.holderOf(f).contains("me"));
        }
    }

    /** Child process: takes the lock and sleeps until killed. */
    public static final class HoldLock {
        public static void main(String[] args) throws Exception {
            ProcessLock l = ProcessLock.tryAcquire(Path.of(args[0]), "child holder").orElseThrow();
            System.out.println("held");
            System.out.flush();
            Thread.sleep(600_000);
            l.close();
        }
    }
}
