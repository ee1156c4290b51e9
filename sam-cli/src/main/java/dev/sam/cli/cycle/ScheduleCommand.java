package dev.sam.cli.cycle;

import dev.sam.cli.Main;
import dev.sam.cli.SamSubcommand;
import dev.sam.cycle.schedule.ScheduleEnv;
import dev.sam.cycle.schedule.ScheduleService;
import dev.sam.cycle.schedule.ScheduleSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sam schedule install|remove|status}: run `sam cycle` from cron, a systemd user timer or launchd. */
@Command(name = "schedule", subcommands = {ScheduleCommand.Install.class, ScheduleCommand.Remove.class,
        ScheduleCommand.Status.class}, description = {
        "Run `sam cycle` for this SAM home on a schedule: a launchd agent on macOS, a",
        "systemd user timer when `systemctl --user` works, else a crontab entry. Entries",
        "carry a marker naming the home; others are never touched. Output of scheduled",
        "runs: SAM_HOME/logs/cycle-scheduled.out; their steps: SAM_HOME/logs/cycle.log.",
        "",
        "Examples:",
        "  sam schedule install --at 03:00",
        "  sam schedule install --every 6h",
        "  sam schedule status",
        "  sam schedule remove",
        ""})
public final class ScheduleCommand extends SamSubcommand {
    /** Test hook: programs and directories from SAM_SCHEDULE_* variables (a crontab stand-in, a scratch home). */
    static ScheduleService service(Map<String, String> env, dev.sam.core.home.SamHome home) {
        ScheduleEnv e = ScheduleEnv.current(home, env.containsKey("SAM_SCHEDULE_COMMAND")
                ? List.of(env.get("SAM_SCHEDULE_COMMAND").split(" ")) : ScheduleEnv.currentJvm(Main.class.getName()));
        e = new ScheduleEnv(home, env.getOrDefault("SAM_SCHEDULE_OS", e.osName()),
                env.containsKey("SAM_SCHEDULE_USER_HOME") ? java.nio.file.Path.of(env.get("SAM_SCHEDULE_USER_HOME"))
                        : e.userHome(), e.samCommand(), env.getOrDefault("SAM_SCHEDULE_CRONTAB", e.crontab()),
                blankIsNull(env.getOrDefault("SAM_SCHEDULE_SYSTEMCTL", e.systemctl())),
                blankIsNull(env.getOrDefault("SAM_SCHEDULE_LAUNCHCTL", e.launchctl())));
        return new ScheduleService(e);
    }

    private static String blankIsNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return dev.sam.core.ExitCode.USAGE.code();
    }

    static void print(PrintWriter out, ScheduleService.Status s) {
        out.println(s.installed() ? "scheduled " + s.schedule() + " with " + s.scheduler()
                + (s.where() == null ? "" : " (" + s.where() + ")") : "not scheduled (`sam schedule install` adds it)");
        if (s.installed()) {
            out.println("next run:   " + s.nextRun());
        }
        var last = s.lastCycle();
        out.println("last cycle: " + (last == null ? "none yet" : last.at() + "  " + last.outcome() + ": " + last.message()));
        if (last != null) {
            out.println("next step:  " + last.nextStep());
        }
    }

    abstract static class Verb extends SamSubcommand {
        @Option(names = "--scheduler", paramLabel = "NAME", description = "cron, systemd or launchd (default: "
                + "launchd on macOS, systemd when `systemctl --user` works, else cron).")
        String scheduler;

        ScheduleService service() {
            return ScheduleCommand.service(ctx().env(), ctx().home());
        }
    }

    /** {@code sam schedule install}. */
    @Command(name = "install", description = {"Write (or replace) this home's entry; default --at 03:00.",
            "Example: sam schedule install --every 6h"})
    public static final class Install extends Verb {
        @Option(names = "--at", paramLabel = "HH:MM", description = "Daily at this local time.")
        String at;

        @Option(names = "--every", paramLabel = "N(h|m)", description = "Every N hours or minutes (dividing a day or an hour).")
        String every;

        @Override
        public Integer call() {
            ScheduleService.Status s = service().install(scheduler, ScheduleSpec.parse(at, every));
            ctx().out().result(s, out -> print(out, s));
            return 0;
        }
    }

    /** {@code sam schedule remove}. */
    @Command(name = "remove", description = "Remove this home's entry (only the one `sam schedule` wrote).")
    public static final class Remove extends Verb {
        @Override
        public Integer call() {
            List<String> removed = service().remove(scheduler);
            ctx().out().result(Map.of("removed", removed), out -> out.println(removed.isEmpty()
                    ? "nothing to remove: this home has no schedule" : "removed the " + String.join(", ", removed) + " entry"));
            return 0;
        }
    }

    /** {@code sam schedule status}. */
    @Command(name = "status", description = "Show the schedule, its next run and the last cycle's outcome.")
    public static final class Status extends Verb {
        @Override
        public Integer call() {
            ScheduleService.Status s = service().status();
            ctx().out().result(s, out -> print(out, s));
            return 0;
        }
    }
}
