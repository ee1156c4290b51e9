package dev.sam.cycle.schedule;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A systemd user timer (systemd.timer(5)): {@code ~/.config/systemd/user/sam-cycle-ID.service} runs one
 * cycle, {@code sam-cycle-ID.timer} starts it {@code OnCalendar} with {@code Persistent=true} (a run missed
 * while the machine slept happens at the next boot), enabled with {@code systemctl --user enable --now}.
 */
final class SystemdScheduler implements Scheduler {
    private final ScheduleEnv env;

    SystemdScheduler(ScheduleEnv env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "systemd";
    }

    private String unit() {
        return "sam-cycle-" + env.homeId();
    }

    Path dir() {
        return env.userHome().resolve(".config/systemd/user");
    }

    @Override
    public String install(ScheduleSpec spec) {
        String mark = "# " + MarkedFiles.marker(env, spec) + "\n";
        String exec = env.cycleCommand().stream().map(SystemdScheduler::quote).collect(Collectors.joining(" "));
        MarkedFiles.write(dir().resolve(unit() + ".service"), mark + "[Unit]\nDescription=SAM: one sam cycle for "
                + env.home().root().toAbsolutePath() + "\n\n[Service]\nType=oneshot\nExecStart=" + exec
                + "\nStandardOutput=append:" + env.outputLog() + "\nStandardError=append:" + env.outputLog() + "\n");
        MarkedFiles.write(dir().resolve(unit() + ".timer"), mark + "[Unit]\nDescription=SAM: sam cycle "
                + spec.describe() + "\n\n[Timer]\nOnCalendar=" + spec.onCalendar() + "\nPersistent=true\n\n[Install]\n"
                + "WantedBy=timers.target\n");
        Programs.ok(List.of(env.systemctl(), "--user", "daemon-reload"), null);
        Programs.ok(List.of(env.systemctl(), "--user", "enable", "--now", unit() + ".timer"), null);
        return dir().resolve(unit() + ".timer").toString();
    }

    @Override
    public boolean remove() {
        Path timer = dir().resolve(unit() + ".timer");
        if (!MarkedFiles.ours(timer)) {
            return false;
        }
        Programs.run(List.of(env.systemctl(), "--user", "disable", "--now", unit() + ".timer"), null);
        MarkedFiles.delete(timer);
        MarkedFiles.delete(dir().resolve(unit() + ".service"));
        Programs.run(List.of(env.systemctl(), "--user", "daemon-reload"), null);
        return true;
    }

    @Override
    public ScheduleSpec installed() {
        return MarkedFiles.spec(dir().resolve(unit() + ".timer"));
    }

    /** systemd's quoting of one ExecStart= word: double quotes, backslash escapes, % doubled (specifiers). */
    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%") + "\"";
    }
}
