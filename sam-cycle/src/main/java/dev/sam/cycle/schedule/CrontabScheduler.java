package dev.sam.cycle.schedule;

import dev.sam.core.SamException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The user's crontab (Linux without a systemd user session): one block between marker comments that name
 * this SAM home, read with {@code crontab -l} and written back whole with {@code crontab -} — every other
 * line, another home's block included, is kept as it was.
 *
 * <pre>
 * # sam-schedule begin home=/home/me/.sam spec=daily at 03:00 (written by `sam schedule`; `sam schedule remove` deletes it)
 * 0 3 * * * '/usr/lib/jvm/java-17/bin/java' ... '--sam-home' '/home/me/.sam' 'cycle' >> '/home/me/.sam/logs/cycle-scheduled.out' 2>&1
 * # sam-schedule end home=/home/me/.sam
 * </pre>
 */
final class CrontabScheduler implements Scheduler {
    private final ScheduleEnv env;

    CrontabScheduler(ScheduleEnv env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "cron";
    }

    private String begin() {
        return "# sam-schedule begin home=" + env.home().root().toAbsolutePath();
    }

    private String end() {
        return "# sam-schedule end home=" + env.home().root().toAbsolutePath();
    }

    @Override
    public String install(ScheduleSpec spec) {
        List<String> lines = without(read());
        lines.add(begin() + " spec=" + spec.describe() + " (written by `sam schedule`; `sam schedule remove` deletes it)");
        lines.add(spec.cron() + " " + env.cycleCommand().stream().map(Programs::shellQuote).collect(Collectors.joining(" "))
                + " >> " + Programs.shellQuote(env.outputLog().toString()) + " 2>&1");
        lines.add(end());
        write(lines);
        return "the crontab of this user (`crontab -l` shows it)";
    }

    @Override
    public boolean remove() {
        List<String> now = read();
        List<String> kept = without(now);
        if (kept.size() == now.size()) {
            return false;
        }
        write(kept);
        return true;
    }

    @Override
    public ScheduleSpec installed() {
        for (String l : read()) {
            if (l.startsWith(begin() + " spec=")) {
                String rest = l.substring((begin() + " spec=").length());
                int cut = rest.indexOf(" (");
                return ScheduleSpec.fromDescription(cut < 0 ? rest : rest.substring(0, cut));
            }
        }
        return null;
    }

    /** The lines without this home's block (a block missing its end marker ends at the file's end). */
    private List<String> without(List<String> lines) {
        List<String> out = new ArrayList<>();
        boolean inside = false;
        for (String l : lines) {
            if (!inside && (l.equals(begin()) || l.startsWith(begin() + " "))) {
                inside = true;
            } else if (inside && l.equals(end())) {
                inside = false;
            } else if (!inside) {
                out.add(l);
            }
        }
        return out;
    }

    private List<String> read() {
        Programs.Run r = Programs.run(List.of(env.crontab(), "-l"), null);
        if (r.exit() != 0) {
            if (r.stderr().toLowerCase(java.util.Locale.ROOT).contains("no crontab")) {
                return new ArrayList<>();
            }
            throw SamException.failure("crontab -l failed (exit " + r.exit() + "): " + r.stderr().strip(),
                    "check that cron is installed and you may use it (/etc/cron.allow)");
        }
        List<String> lines = new ArrayList<>(r.stdout().lines().toList());
        return lines;
    }

    private void write(List<String> lines) {
        Programs.ok(List.of(env.crontab(), "-"), lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    }
}
