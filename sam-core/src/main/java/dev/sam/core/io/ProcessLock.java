package dev.sam.core.io;

import dev.sam.core.SamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An inter-process lock on a file under {@code SAM_HOME/locks}. The holder writes a line about
 * itself into the file (pid, what it does) so that a refused process can tell the user who holds it.
 * The OS releases the lock when the holder dies, so a crash never leaves a stale lock.
 *
 * <pre>try (ProcessLock lock = ProcessLock.acquire(home.lockFile("train"), "run 20260125_100000")) { ... }</pre>
 */
public final class ProcessLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private final Path file;

    private ProcessLock(FileChannel channel, FileLock lock, Path file) {
        this.channel = channel;
        this.lock = lock;
        this.file = file;
    }

    /** Takes the lock or returns empty at once when another process (or this one) holds it. */
    public static Optional<ProcessLock> tryAcquire(Path file, String holder) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                return Optional.empty();
            }
            String line = "pid " + ProcessHandle.current().pid() + ": " + holder + "\n";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return Optional.of(new ProcessLock(ch, lock, file));
        } catch (IOException e) {
            throw SamException.failure("cannot create lock file " + file + ": " + e.getMessage(),
                    "check that SAM_HOME is writable");
        }
    }

    /** Waits until the lock is free (for short critical sections such as a deploy). */
    public static ProcessLock acquire(Path file, String holder) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        long sleep = 5;
        while (true) {
            Optional<ProcessLock> lock = tryAcquire(file, holder);
            if (lock.isPresent()) {
                return lock.get();
            }
            if (System.nanoTime() > deadline) {
                throw SamException.notReady("timed out after 120 s waiting for " + file + ", held by "
                        + holderOf(file), "wait for that process to finish, then run again");
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw SamException.failure("interrupted while waiting for " + file, null);
            }
            sleep = Math.min(200, sleep * 2);
        }
    }

    /**
     * True when a live process (this one included) holds the lock on {@code file}. Probes without
     * taking it for longer than the probe and without touching the holder's line. A process killed with
     * SIGKILL holds nothing: the OS released its lock, which is how a dead holder is told apart.
     */
    public static boolean isHeld(Path file) {
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe = ch.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** What the current holder wrote about itself, or "another process" when unknown. */
    public static String holderOf(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? "another process" : s;
        } catch (IOException e) {
            return "another process";
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // Closing the channel releases the lock in every case.
        }
    }
}
