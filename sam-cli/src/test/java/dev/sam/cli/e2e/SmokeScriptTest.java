package dev.sam.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.cli.CliRunner;
import dev.sam.cli.Main;
import dev.sam.cli.deploy.DeployHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/smoke.sh, the CI/cron smoke test, run with bash against real homes: a fresh home passes; a
 * home with a deployed version passes with the store verified; a broken config.yaml, a tampered version
 * and a missing home fail loudly (exit 1, one FAIL line on stderr, sam's own error and hint above it); bad
 * arguments are a usage error (exit 2). The script's sam is the CLI of this build (SAM_BIN: a launcher
 * over the test classpath, as `./sam` is over target/sam-cli.jar, which does not exist yet at test time).
 */
class SmokeScriptTest {
    @TempDir
    Path tmp;

    record Run(int exitCode, String stdout, String stderr) {
    }

    private Path launcher() throws Exception {
        Path sam = tmp.resolve("sam");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(sam, "#!/usr/bin/env bash\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' " + Main.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(sam, PosixFilePermissions.fromString("rwxr-xr-x"));
        return sam;
    }

    private Run smoke(Map<String, String> env, String... args) throws Exception {
        Path script = Path.of("..", "scripts", "smoke.sh").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(script), script.toString());
        ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(List.of("bash", script.toString())));
        pb.command().addAll(List.of(args));
        pb.environment().remove("SAM_HOME");
        pb.environment().put("SAM_BIN", launcher().toString());
        pb.environment().putAll(env);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "smoke.sh finished");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err,
                StandardCharsets.UTF_8));
    }

    private static void assertFailedLoudly(Run r, String why) {
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("FAIL sam smoke: " + why), r.stderr());
        assertEquals("", r.stdout(), "no PASS line");
    }

    @Test
    void freshHomePassesAndAHomeWithVersionsIsVerified() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("fresh"));
        Run notAHome = smoke(Map.of(), "--sam-home", home.toString());
        assertFailedLoudly(notAHome, home + " is not a SAM home");
        try (var files = Files.list(home)) {
            assertEquals(0, files.count(), "a smoke test never lays out a home");
        }
        CliRunner.Result made = new CliRunner(home).run("status");
        assertEquals(0, made.exitCode(), made.toString());
        Run fresh = smoke(Map.of(), "--sam-home", home.toString());
        assertEquals(0, fresh.exitCode(), fresh.toString());
        assertTrue(fresh.stdout().startsWith("PASS sam smoke: home " + home + ": 0 samples (ready to train: false), "
                + "active none, 0 version(s)"), fresh.stdout());
        assertEquals(1, fresh.stdout().lines().count(), "one line: " + fresh.stdout());

        DeployHome h = new DeployHome(tmp.resolve("deployed"));
        CliRunner.Result d = h.cli.run("deploy", h.adapters().toString());
        assertEquals(0, d.exitCode(), d.toString());
        Run deployed = smoke(Map.of("SAM_HOME", h.root.toString()));
        assertEquals(0, deployed.exitCode(), deployed.toString());
        assertTrue(deployed.stdout().contains("active v1.0.0, 1 version(s), store verified"), deployed.stdout());

        Path weights = h.root.resolve("models/versions/v1.0.0/adapters/adapters.safetensors");
        byte[] b = Files.readAllBytes(weights);
        b[b.length - 1] ^= 1;
        Files.write(weights, b);
        Run tampered = smoke(Map.of("SAM_HOME", h.root.toString()));
        assertFailedLoudly(tampered, "`sam verify` exited 1");
        assertTrue(tampered.stderr().contains("adapters.safetensors differs"), "sam verify's finding is shown: " + tampered.stderr());
        Run skipped = smoke(Map.of("SAM_HOME", h.root.toString()), "--no-verify");
        assertEquals(0, skipped.exitCode(), skipped.toString());
    }

    @Test
    void brokenConfigMissingHomeAndBadArgumentsFailLoudly() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(home.resolve("config.yaml"), "training:\n  min_samples: [oops\n");
        Run broken = smoke(Map.of(), "--sam-home", home.toString());
        assertFailedLoudly(broken, "`sam status` exited");
        assertTrue(broken.stderr().contains("config.yaml"), "sam's own error names the file: " + broken.stderr());
        assertTrue(broken.stderr().contains("\"hint\""), "and its hint: " + broken.stderr());

        Run missing = smoke(Map.of("SAM_HOME", tmp.resolve("nowhere").toString()));
        assertFailedLoudly(missing, "SAM home " + tmp.resolve("nowhere") + " does not exist");
        assertTrue(Files.notExists(tmp.resolve("nowhere")), "a smoke test never creates a home");

        Run none = smoke(Map.of());
        assertEquals(2, none.exitCode(), none.toString());
        assertTrue(none.stderr().contains("FAIL sam smoke: no SAM home"), none.stderr());
        Run bad = smoke(Map.of(), "--bogus");
        assertEquals(2, bad.exitCode(), bad.toString());
    }
}
