package dev.sam.cycle.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sam.core.SamException;
import dev.sam.core.cycle.CycleState;
import dev.sam.core.cycle.CycleStateFile;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sam schedule install|remove|status}: runs {@code sam cycle} for this SAM home from launchd on
 * macOS, from a systemd user timer when {@code systemctl --user} works, else from the user's crontab
 * (or the scheduler named with --scheduler). Install replaces this home's earlier entry; remove deletes
 * it wherever it is; entries that {@code sam schedule} did not write are never touched.
 *
 * <pre>ScheduleService.Status s = new ScheduleService(ScheduleEnv.current(home, cmd)).install(null, ScheduleSpec.parse("03:00", null));</pre>
 */
public final class ScheduleService {
    public static final List<String> SCHEDULERS = List.of("cron", "systemd", "launchd");

    private final ScheduleEnv env;

    public ScheduleService(ScheduleEnv env) {
        this.env = env;
    }

    /**
     * This home's schedule: the scheduler, when it runs and next runs, where the entry is, the command, and
     * the last cycle's outcome (null when none ran).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Status(boolean installed, String scheduler, String schedule, String nextRun, String where,
                         List<String> command, CycleState.Outcome lastCycle) {
    }

    public Status install(String scheduler, ScheduleSpec spec) {
        Scheduler s = pick(scheduler);
        for (Scheduler other : all()) {
            if (!other.name().equals(s.name()) && installed(other) != null) {
                throw SamException.failure("this SAM home is already scheduled with " + other.name(),
                        "`sam schedule remove` first, then install again");
            }
        }
        String where = s.install(spec);
        return status(s, spec, where);
    }

    /** Removes this home's entries; returns the schedulers they were removed from. */
    public List<String> remove(String scheduler) {
        List<String> removed = new ArrayList<>();
        for (Scheduler s : scheduler == null ? all() : List.of(pick(scheduler))) {
            if (installed(s) != null && s.remove()) {
                removed.add(s.name());
            }
        }
        return removed;
    }

    public Status status() {
        for (Scheduler s : all()) {
            ScheduleSpec spec = installed(s);
            if (spec != null) {
                return status(s, spec, null);
            }
        }
        return new Status(false, null, null, null, null, env.cycleCommand(), lastCycle());
    }

    private Status status(Scheduler s, ScheduleSpec spec, String where) {
        return new Status(true, s.name(), spec.describe(), spec.next(LocalDateTime.now()).toString(), where,
                env.cycleCommand(), lastCycle());
    }

    private CycleState.Outcome lastCycle() {
        return new CycleStateFile(env.home().cycleState()).read().last();
    }

    /** The schedulers this machine has, in the order they are looked at. */
    private List<Scheduler> all() {
        List<Scheduler> out = new ArrayList<>();
        if (env.macOs()) {
            out.add(new LaunchdScheduler(env));
        }
        if (env.systemctl() != null && !env.macOs()) {
            out.add(new SystemdScheduler(env));
        }
        if (env.crontab() != null) {
            out.add(new CrontabScheduler(env));
        }
        return out;
    }

    private Scheduler pick(String name) {
        if (name == null) {
            if (env.macOs()) {
                return new LaunchdScheduler(env);
            }
            boolean systemd = env.systemctl() != null
                    && safeRun(List.of(env.systemctl(), "--user", "show-environment")) == 0;
            return systemd ? new SystemdScheduler(env) : new CrontabScheduler(env);
        }
        return switch (name) {
            case "cron" -> new CrontabScheduler(env);
            case "systemd" -> new SystemdScheduler(env);
            case "launchd" -> new LaunchdScheduler(env);
            default -> throw SamException.usage("unknown scheduler '" + name + "'", "use one of " + SCHEDULERS);
        };
    }

    /** A scheduler whose program is missing (no crontab installed) has nothing of ours. */
    private static ScheduleSpec installed(Scheduler s) {
        try {
            return s.installed();
        } catch (SamException e) {
            return null;
        }
    }

    private static int safeRun(List<String> cmd) {
        try {
            return Programs.run(cmd, null).exit();
        } catch (SamException e) {
            return -1;
        }
    }
}
