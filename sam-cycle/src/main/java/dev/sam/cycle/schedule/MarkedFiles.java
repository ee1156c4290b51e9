package dev.sam.cycle.schedule;

import dev.sam.core.SamException;
import dev.sam.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Unit files and agent plists that {@code sam schedule} writes carry a marker line
 * ({@code written by sam schedule for SAM_HOME=... spec=...}); a file without it is someone else's and is
 * never overwritten or deleted.
 */
final class MarkedFiles {
    static final String MARK = "written by sam schedule for SAM_HOME=";
    private static final Pattern SPEC = Pattern.compile(Pattern.quote(MARK) + ".*? spec=(daily at \\d\\d:\\d\\d|every \\d+[mh])");

    private MarkedFiles() {
    }

    static String marker(ScheduleEnv env, ScheduleSpec spec) {
        return MARK + env.home().root().toAbsolutePath() + " spec=" + spec.describe();
    }

    /** The file's text, or null when it does not exist. */
    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw SamException.failure("cannot read " + f + ": " + e.getMessage(), null);
        }
    }

    static boolean ours(Path f) {
        String t = read(f);
        return t != null && t.contains(MARK);
    }

    /** Writes {@code f} unless another program's file is there. */
    static void write(Path f, String text) {
        if (Files.exists(f) && !ours(f)) {
            throw SamException.failure(f + " exists and was not written by `sam schedule`; it is left alone",
                    "move it aside yourself if it is an old copy, then install again");
        }
        try {
            Files.createDirectories(f.getParent());
            AtomicFiles.writeString(f, text);
        } catch (IOException e) {
            throw SamException.failure("cannot write " + f + ": " + e.getMessage(), "check the directory's permissions");
        }
    }

    /** Deletes {@code f} if it is ours; true when it was deleted. */
    static boolean delete(Path f) {
        if (!ours(f)) {
            return false;
        }
        try {
            return Files.deleteIfExists(f);
        } catch (IOException e) {
            throw SamException.failure("cannot delete " + f + ": " + e.getMessage(), null);
        }
    }

    /** The schedule recorded in our file {@code f}, or null. */
    static ScheduleSpec spec(Path f) {
        String t = read(f);
        if (t == null) {
            return null;
        }
        Matcher m = SPEC.matcher(t);
        return m.find() ? ScheduleSpec.fromDescription(m.group(1)) : null;
    }
}
