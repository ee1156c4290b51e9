package dev.sam.cycle.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three schedulers against scratch files: a {@code crontab} stand-in over a scratch file, a scratch user
 * home for the systemd units (with a {@code systemctl} stand-in that logs its calls) and for LaunchAgents.
 */
class ScheduleServiceTest {
    private static final List<String> SAM = List.of("/opt/sam/bin/sam");
    private static final String FOREIGN = "# my backup\n15 1 * * * /usr/bin/backup --all\n";

    @TempDir
    Path tmp;

    private Path script(String name, String body) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    /** A crontab program over {@code file}: -l prints it (or fails as cron does without one), - replaces it. */
    private Path crontab(Path file) throws Exception {
        return script("crontab", "case \"$1\" in\n  -l) if [ -f '" + file + "' ]; then cat '" + file + "'; else echo "
                + "\"no crontab for $USER\" >&2; exit 1; fi ;;\n  -) cat > '" + file + "' ;;\n  *) exit 2 ;;\nesac\n");
    }

    private ScheduleEnv env(String os, Path home, String crontab, String systemctl) {
        return new ScheduleEnv(SamHome.of(tmp.resolve(home)), os, tmp.resolve("user"), SAM, crontab, systemctl, null);
    }

    @Test
    void crontabEntryIsWrittenReplacedAndRemovedKeepingForeignLines() throws Exception {
        Path file = tmp.resolve("crontab.txt");
        Files.writeString(file, FOREIGN);
        ScheduleService s = new ScheduleService(env("Linux", Path.of("home"), crontab(file).toString(), null));
        ScheduleService.Status st = s.install("cron", ScheduleSpec.parse("03:00", null));
        assertTrue(st.installed());
        String home = tmp.resolve("home").toAbsolutePath().toString();
        assertEquals(FOREIGN + "# sam-schedule begin home=" + home + " spec=daily at 03:00 (written by `sam schedule`;"
                + " `sam schedule remove` deletes it)\n0 3 * * * '/opt/sam/bin/sam' '--sam-home' '" + home + "' 'cycle' >> '"
                + home + "/logs/cycle-scheduled.out' 2>&1\n# sam-schedule end home=" + home + "\n", Files.readString(file));

        ScheduleService other = new ScheduleService(env("Linux", Path.of("home2"), crontab(file).toString(), null));
        other.install("cron", ScheduleSpec.parse(null, "6h"));
        s.install("cron", ScheduleSpec.parse(null, "6h"));
        String both = Files.readString(file);
        assertEquals(2, both.split("sam-schedule begin", -1).length - 1, "one block per home, replaced not added: " + both);
        assertEquals("every 6h", s.status().schedule());
        assertTrue(s.status().nextRun().endsWith(":00"), s.status().toString());

        assertEquals(List.of("cron"), s.remove(null));
        assertEquals(List.of(), s.remove(null), "removing twice removes nothing");
        String left = Files.readString(file);
        assertTrue(left.startsWith(FOREIGN), left);
        assertTrue(left.contains("home2") && !left.contains("home=" + home + " "), left);
        other.remove(null);
        assertEquals(FOREIGN, Files.readString(file), "the user's own lines are exactly as they were");
        assertFalse(s.status().installed());
    }

    @Test
    void noCrontabYetIsNotAnError() throws Exception {
        Path file = tmp.resolve("none.txt");
        ScheduleService s = new ScheduleService(env("Linux", Path.of("home"), crontab(file).toString(), null));
        assertFalse(s.status().installed());
        assertEquals(List.of(), s.remove(null));
        s.install("cron", ScheduleSpec.parse("04:30", null));
        assertTrue(Files.readString(file).contains("30 4 * * * '/opt/sam/bin/sam'"));
    }

    @Test
    void launchAgentPlistIsRenderedAndOnlyOursIsRemoved() throws Exception {
        Path agents = Files.createDirectories(tmp.resolve("user/Library/LaunchAgents"));
        Path foreign = Files.writeString(agents.resolve("com.example.backup.plist"), "<plist/>\n");
        ScheduleService s = new ScheduleService(env("Mac OS X", Path.of("home"), null, null));
        ScheduleService.Status st = s.install(null, ScheduleSpec.parse(null, "8h"));
        assertEquals("launchd", st.scheduler());
        Path plist;
        try (var l = Files.list(agents)) {
            plist = l.filter(p -> p.getFileName().toString().startsWith("dev.sam.cycle.")).findFirst().orElseThrow();
        }
        String xml = Files.readString(plist);
        String home = tmp.resolve("home").toAbsolutePath().toString();
        assertTrue(xml.contains("<array>\n    <string>/opt/sam/bin/sam</string>\n    <string>--sam-home</string>\n"
                + "    <string>" + home + "</string>\n    <string>cycle</string>\n  </array>"), xml);
        for (int h : new int[] {0, 8, 16}) {
            assertTrue(xml.contains("<dict><key>Hour</key><integer>" + h + "</integer><key>Minute</key><integer>0"
                    + "</integer></dict>"), xml);
        }
        assertEquals(3, xml.split("<key>Hour</key>", -1).length - 1, xml);
        assertTrue(xml.contains("<key>StandardOutPath</key><string>" + home + "/logs/cycle-scheduled.out</string>"));
        assertEquals("every 8h", s.status().schedule());
        assertEquals(List.of("launchd"), s.remove(null));
        assertFalse(Files.exists(plist));
        assertEquals("<plist/>\n", Files.readString(foreign), "another program's agent is untouched");
    }

    @Test
    void systemdTimerUnitsAreWrittenEnabledAndRemoved() throws Exception {
        Path calls = tmp.resolve("systemctl-calls.txt");
        Path systemctl = script("systemctl", "echo \"$@\" >> '" + calls + "'\n");
        ScheduleService s = new ScheduleService(env("Linux", Path.of("home"), null, systemctl.toString()));
        ScheduleService.Status st = s.install(null, ScheduleSpec.parse("02:15", null));
        assertEquals("systemd", st.scheduler(), "systemctl --user works: a user timer");
        Path dir = tmp.resolve("user/.config/systemd/user");
        Path timer;
        try (var l = Files.list(dir)) {
            timer = l.filter(p -> p.toString().endsWith(".timer")).findFirst().orElseThrow();
        }
        String unit = timer.getFileName().toString().replace(".timer", "");
        assertTrue(Files.readString(timer).contains("OnCalendar=*-*-* 02:15:00\nPersistent=true"));
        String service = Files.readString(dir.resolve(unit + ".service"));
        assertTrue(service.contains("ExecStart=\"/opt/sam/bin/sam\" \"--sam-home\" \"" + tmp.resolve("home").toAbsolutePath()
                + "\" \"cycle\"\n"), service);
        assertTrue(Files.readString(calls).contains("--user enable --now " + unit + ".timer"), Files.readString(calls));
        assertEquals(List.of("systemd"), s.remove(null));
        assertFalse(Files.exists(timer));
        assertTrue(Files.readString(calls).contains("--user disable --now " + unit + ".timer"));
    }

    @Test
    void aForeignFileUnderOurNameIsNeverOverwritten() throws Exception {
        ScheduleService s = new ScheduleService(env("Mac OS X", Path.of("home"), null, null));
        s.install(null, ScheduleSpec.parse("03:00", null));
        Path plist;
        try (var l = Files.list(tmp.resolve("user/Library/LaunchAgents"))) {
            plist = l.findFirst().orElseThrow();
        }
        Files.writeString(plist, "<plist>hand-written</plist>\n");
        SamException e = assertThrows(SamException.class, () -> s.install(null, ScheduleSpec.parse("04:00", null)));
        assertTrue(e.getMessage().contains("was not written by `sam schedule`"), e.getMessage());
        assertEquals(List.of(), s.remove(null));
        assertEquals("<plist>hand-written</plist>\n", Files.readString(plist));
        assertNull(s.status().schedule());
        assertEquals(Set.of(), Set.copyOf(s.remove("launchd")));
    }
}
