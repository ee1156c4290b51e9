package dev.sam.cycle.schedule;

import java.nio.file.Path;
import java.util.List;

/**
 * A launchd user agent on macOS (launchd.plist(5)): {@code ~/Library/LaunchAgents/dev.sam.cycle.ID.plist}
 * with {@code StartCalendarInterval} (one entry per run of the day; launchd runs a missed one after wake)
 * or, for intervals under an hour, {@code StartInterval}; loaded with {@code launchctl load -w}.
 */
final class LaunchdScheduler implements Scheduler {
    private final ScheduleEnv env;

    LaunchdScheduler(ScheduleEnv env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "launchd";
    }

    private String label() {
        return "dev.sam.cycle." + env.homeId();
    }

    Path plist() {
        return env.userHome().resolve("Library/LaunchAgents").resolve(label() + ".plist");
    }

    @Override
    public String install(ScheduleSpec spec) {
        StringBuilder b = new StringBuilder();
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" ")
                .append("\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<!-- ")
                .append(xml(MarkedFiles.marker(env, spec)).replace("--", "- -")).append(" -->\n<plist version=\"1.0\">\n<dict>\n")
                .append("  <key>Label</key><string>").append(label()).append("</string>\n")
                .append("  <key>ProgramArguments</key>\n  <array>\n");
        env.cycleCommand().forEach(a -> b.append("    <string>").append(xml(a)).append("</string>\n"));
        b.append("  </array>\n");
        if (spec.daily() || spec.everyMinutes() >= 60) {
            b.append("  <key>StartCalendarInterval</key>\n  <array>\n");
            int step = spec.daily() ? 1440 : spec.everyMinutes();
            for (int m = spec.daily() ? spec.hour() * 60 + spec.minute() : 0; m < 1440; m += step) {
                b.append("    <dict><key>Hour</key><integer>").append(m / 60).append("</integer><key>Minute</key><integer>")
                        .append(m % 60).append("</integer></dict>\n");
            }
            b.append("  </array>\n");
        } else {
            b.append("  <key>StartInterval</key><integer>").append(spec.everyMinutes() * 60).append("</integer>\n");
        }
        b.append("  <key>StandardOutPath</key><string>").append(xml(env.outputLog().toString())).append("</string>\n")
                .append("  <key>StandardErrorPath</key><string>").append(xml(env.outputLog().toString()))
                .append("</string>\n</dict>\n</plist>\n");
        boolean replacing = MarkedFiles.ours(plist());
        if (replacing && env.launchctl() != null) {
            Programs.run(List.of(env.launchctl(), "unload", plist().toString()), null);
        }
        MarkedFiles.write(plist(), b.toString());
        if (env.launchctl() != null) {
            Programs.ok(List.of(env.launchctl(), "load", "-w", plist().toString()), null);
        }
        return plist().toString();
    }

    @Override
    public boolean remove() {
        if (!MarkedFiles.ours(plist())) {
            return false;
        }
        if (env.launchctl() != null) {
            Programs.run(List.of(env.launchctl(), "unload", "-w", plist().toString()), null);
        }
        return MarkedFiles.delete(plist());
    }

    @Override
    public ScheduleSpec installed() {
        return MarkedFiles.spec(plist());
    }

    /** Text in an XML element (a comment also may not hold "--", which the marker writer replaces). */
    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
