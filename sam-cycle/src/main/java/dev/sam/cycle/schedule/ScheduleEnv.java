package dev.sam.cycle.schedule;

import dev.sam.core.home.SamHome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything {@code sam schedule} touches outside SAM_HOME, injectable so tests use a scratch crontab
 * (a {@code crontab} stand-in), a scratch systemd user directory and a scratch LaunchAgents directory.
 *
 * @param samCommand  the command that runs {@code sam} (the entry appends {@code --sam-home HOME cycle})
 * @param crontab     the crontab program ({@code crontab -l}, {@code crontab FILE})
 * @param systemctl   the systemctl program (used as {@code systemctl --user ...}); null: not available
 * @param launchctl   the launchctl program; null: not available
 */
public record ScheduleEnv(SamHome home, String osName, Path userHome, List<String> samCommand, String crontab,
                          String systemctl, String launchctl) {

    public ScheduleEnv {
        samCommand = List.copyOf(samCommand);
    }

    /** This machine: the user's home, the JVM running now as the command, the programs on PATH. */
    public static ScheduleEnv current(SamHome home, List<String> samCommand) {
        return new ScheduleEnv(home, System.getProperty("os.name"), Path.of(System.getProperty("user.home")),
                samCommand, "crontab", "systemctl", "launchctl");
    }

    /** The command of this JVM with an absolute class path (cron and launchd start in another directory). */
    public static List<String> currentJvm(String mainClass) {
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            cp.add(Path.of(e).toAbsolutePath().normalize().toString());
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                String.join(java.io.File.pathSeparator, cp), mainClass);
    }

    public boolean macOs() {
        return osName.toLowerCase(Locale.ROOT).contains("mac");
    }

    /** The full command of one scheduled cycle. */
    public List<String> cycleCommand() {
        List<String> c = new ArrayList<>(samCommand);
        c.addAll(List.of("--sam-home", home.root().toAbsolutePath().toString(), "cycle"));
        return c;
    }

    /** Where a scheduled cycle's stdout and stderr go (the steps themselves are in logs/cycle.log). */
    public Path outputLog() {
        return home.logsDir().resolve("cycle-scheduled.out").toAbsolutePath();
    }

    /** A short id of this SAM home, so two homes get two entries. */
    public String homeId() {
        return Integer.toHexString(home.root().toAbsolutePath().normalize().toString().hashCode());
    }
}
