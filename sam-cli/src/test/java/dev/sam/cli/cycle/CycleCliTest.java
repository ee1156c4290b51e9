package dev.sam.cli.cycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `sam cycle` and `sam schedule` at the command line without training: bad cycle.* config, the train
 * lock held by someone else, a cycle with nothing to do, and schedule install/status/remove against a
 * scratch crontab and a scratch LaunchAgents directory.
 */
class CycleCliTest {
    private static final String FOREIGN = "MAILTO=me@example.com\n15 1 * * * /usr/bin/backup --all\n";

    @TempDir
    Path tmp;

    private CliRunner sam(Path home) {
        return new CliRunner(home);
    }

    @Test
    void unknownOrOutOfRangeCycleKeyExits2NamingTheKey() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        for (String[] bad : new String[][] {{"cycle:\n  min_new_sample: 5\n", "unknown key 'cycle.min_new_sample'"},
                {"cycle:\n  canary_traffic: 0\n", "cycle.canary_traffic must be in [1, 99]"},
                {"cycle:\n  replay_ratio: -2\n", "cycle.replay_ratio"},
                {"cycle:\n  canary_max_age: soon\n", "cycle.canary_max_age"}}) {
            Files.writeString(home.resolve("config.yaml"), bad[0]);
            CliRunner.Result r = sam(home).run("cycle");
            assertEquals(2, r.exitCode(), bad[0] + r);
            assertTrue(r.stderr().contains(bad[1]), r.stderr());
            assertFalse(r.stderr().contains("\tat "), r.stderr());
        }
    }

    @Test
    void aSecondCycleExits3NamingTheHolderAndAQuietCycleExits0() throws Exception {
        Path home = tmp.resolve("home");
        SamHome h = SamHome.of(home).ensureLayout();
        try (ProcessLock held = ProcessLock.tryAcquire(h.lockFile("train"), "sam cycle 20260125_030000").orElseThrow()) {
            CliRunner.Result r = sam(home).run("cycle");
            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("pid " + ProcessHandle.current().pid() + ": sam cycle 20260125_030000"),
                    r.stderr());
        }
        CliRunner.Result quiet = sam(home).run("cycle");
        assertEquals(0, quiet.exitCode(), "nothing collected, nothing to train: not a cron failure\n" + quiet);
        assertTrue(quiet.stdout().contains("nothing to do: 0 new samples (< 50)"), quiet.stdout());
        assertTrue(Files.readString(home.resolve("logs/cycle.log")).contains("outcome: nothing to do"));
        JsonNode status = Json.mapper().readTree(sam(home).run("status", "--json").stdout());
        assertEquals("nothing_to_do", status.at("/cycle/last_outcome").asText(), status.toString());
        assertTrue(status.at("/cycle/next_step").asText().contains("50 new samples"), status.toString());
        CliRunner.Result human = sam(home).run("status");
        assertTrue(human.stdout().contains("last cycle:") && human.stdout().contains("nothing_to_do"), human.stdout());
    }

    @Test
    void scheduleInstallStatusRemoveAgainstAScratchCrontab() throws Exception {
        Path home = tmp.resolve("home");
        Path file = Files.writeString(tmp.resolve("crontab.txt"), FOREIGN);
        Path crontab = tmp.resolve("crontab");
        Files.writeString(crontab, "#!/bin/sh\ncase \"$1\" in\n  -l) cat '" + file + "' ;;\n  -) cat > '" + file + "' ;;\nesac\n");
        Files.setPosixFilePermissions(crontab, PosixFilePermissions.fromString("rwxr-xr-x"));
        CliRunner cli = sam(home).env("SAM_SCHEDULE_CRONTAB", crontab.toString())
                .env("SAM_SCHEDULE_COMMAND", "/usr/local/bin/sam").env("SAM_SCHEDULE_SYSTEMCTL", "")
                .env("SAM_SCHEDULE_OS", "Linux").env("SAM_SCHEDULE_USER_HOME", tmp.resolve("user").toString());
        CliRunner.Result in = cli.run("schedule", "install", "--at", "02:30");
        assertEquals(0, in.exitCode(), in.toString());
        assertTrue(in.stdout().contains("scheduled daily at 02:30 with cron"), in.stdout());
        String abs = home.toAbsolutePath().toString();
        assertTrue(Files.readString(file).startsWith(FOREIGN + "# sam-schedule begin home=" + abs + " spec=daily at 02:30"));
        assertTrue(Files.readString(file).contains("\n30 2 * * * '/usr/local/bin/sam' '--sam-home' '" + abs + "' 'cycle' >> '"
                + abs + "/logs/cycle-scheduled.out' 2>&1\n"), Files.readString(file));
        JsonNode st = Json.mapper().readTree(cli.run("schedule", "status", "--json").stdout());
        assertTrue(st.get("installed").asBoolean(), st.toString());
        assertTrue(st.get("next_run").asText().endsWith("T02:30"), st.toString());
        assertTrue(st.get("last_cycle").isNull(), st.toString());
        CliRunner.Result bad = cli.run("schedule", "install", "--every", "5h");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.stderr().contains("--every must divide"), bad.stderr());
        CliRunner.Result rm = cli.run("schedule", "remove");
        assertEquals(0, rm.exitCode(), rm.toString());
        assertTrue(rm.stdout().contains("removed the cron entry"), rm.stdout());
        assertEquals(FOREIGN, Files.readString(file), "the user's own lines are exactly as they were");
    }

    @Test
    void scheduleInstallRemoveAgainstAScratchLaunchAgentsDirectory() throws Exception {
        Path home = tmp.resolve("home");
        Path agents = Files.createDirectories(tmp.resolve("user/Library/LaunchAgents"));
        Path foreign = Files.writeString(agents.resolve("com.example.sync.plist"), "<plist>mine</plist>\n");
        CliRunner cli = sam(home).env("SAM_SCHEDULE_OS", "Mac OS X").env("SAM_SCHEDULE_LAUNCHCTL", "")
                .env("SAM_SCHEDULE_USER_HOME", tmp.resolve("user").toString()).env("SAM_SCHEDULE_COMMAND", "/opt/sam");
        CliRunner.Result in = cli.run("schedule", "install", "--at", "03:00");
        assertEquals(0, in.exitCode(), in.toString());
        assertTrue(in.stdout().contains("with launchd"), in.stdout());
        Path plist;
        try (var l = Files.list(agents)) {
            plist = l.filter(p -> p.getFileName().toString().startsWith("dev.sam.cycle.")).findFirst().orElseThrow();
        }
        String xml = Files.readString(plist);
        assertTrue(xml.contains("<key>StartCalendarInterval</key>\n  <array>\n    <dict><key>Hour</key><integer>3</integer>"
                + "<key>Minute</key><integer>0</integer></dict>\n  </array>"), xml);
        assertTrue(xml.contains("<string>/opt/sam</string>\n    <string>--sam-home</string>"), xml);
        assertEquals(0, cli.run("schedule", "remove").exitCode());
        assertFalse(Files.exists(plist));
        assertEquals("<plist>mine</plist>\n", Files.readString(foreign));
    }
}
