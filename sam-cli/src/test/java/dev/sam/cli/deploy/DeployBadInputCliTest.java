package dev.sam.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.json.Json;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to `sam deploy`: one clear message (no stack trace), exit 1 or 2, nothing written. */
class DeployBadInputCliTest {
    @TempDir
    Path tmp;
    DeployHome h;

    @BeforeEach
    void setUp() throws Exception {
        h = new DeployHome(tmp);
    }

    private String refused(String... args) throws Exception {
        CliRunner.Result r = h.cli.run(args);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().startsWith("error: refusing to deploy") || r.stderr().startsWith("error: "), r.stderr());
        assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
        assertFalse(Files.exists(h.root.resolve("models/versions/v1.0.0")), "nothing deployed");
        return r.stderr();
    }

    @Test
    void missingPathAndMissingFiles() throws Exception {
        assertTrue(refused("deploy", tmp.resolve("nope").toString()).contains("nope does not exist"));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        String e = refused("deploy", empty.toString());
        assertTrue(e.contains("no adapters.safetensors or adapters.npz in"), e);
        assertTrue(e.contains("no adapter_config.json in"), e);
        CliRunner.Result neither = h.cli.run("deploy");
        assertEquals(2, neither.exitCode(), neither.toString());
        assertTrue(neither.stderr().contains("give either an adapter PATH or --run RUN_ID"), neither.stderr());
    }

    @Test
    void wrongExtension() throws Exception {
        Path a = h.adapters();
        Files.move(a.resolve("adapters.safetensors"), a.resolve("adapters.pt"));
        assertTrue(refused("deploy", a.toString()).contains("found adapters.pt: wrong extension"));
    }

    @Test
    void tooSmallAndTooLarge() throws Exception {
        Path small = h.adapters();
        Files.write(small.resolve("adapters.safetensors"), new byte[64]);
        String e = refused("deploy", small.toString());
        assertTrue(e.contains("adapters.safetensors is too small: 64 bytes"), e);

        Path large = h.adapters();
        try (RandomAccessFile f = new RandomAccessFile(large.resolve("adapters.safetensors").toFile(), "rw")) {
            f.setLength(2_000_000_001L);   // sparse
        }
        assertTrue(refused("deploy", large.toString()).contains("is too large: 2000000001 bytes"));
    }

    @Test
    void adapterForAnotherBaseModelListsTheMismatches() throws Exception {
        Path other = Files.createDirectories(h.root.resolve("models/base/qwen2-wide"));
        Files.writeString(other.resolve("config.json"), "{\"model_type\":\"qwen2\",\"hidden_size\":96,"
                + "\"num_attention_heads\":4,\"num_key_value_heads\":2,\"num_hidden_layers\":3,\"intermediate_size\":160,"
                + "\"vocab_size\":320}");
        CliRunner.Result r = h.cli.run("deploy", h.adapters().toString(), "--base", "qwen2-wide", "--json");
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode err = Json.mapper().readTree(r.stdout());
        String msg = err.get("error").asText();
        assertTrue(msg.contains("shapes: model.layers.1.self_attn.q_proj.lora_a has shape [64, 4], base model "
                + "qwen2-wide with rank 4 needs [96, 4]"), msg);
        assertEquals(16, msg.split("\n  - shapes: ").length - 1, "every mismatch at once:\n" + msg);
    }

    @Test
    void corruptVersionsJsonIsAClearErrorAndNeverOverwritten() throws Exception {
        h.deployInProcess(1);
        Path vj = h.root.resolve("models/versions/versions.json");
        byte[] junk = "[{\"version\": \"v1.0.0\", \"status\": ".getBytes();
        Files.write(vj, junk);
        for (String[] args : new String[][] {{"deploy", h.adapters().toString()}, {"rollback"}, {"list"}}) {
            CliRunner.Result r = h.cli.run(args);
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("is not a valid JSON list of versions"), r.stderr());
            assertTrue(r.stderr().contains("sam verify --repair"), r.stderr());
            assertArrayEquals(junk, Files.readAllBytes(vj), "never overwritten");
        }
        assertFalse(Files.exists(h.root.resolve("models/versions/v1.0.1")));
        CliRunner.Result repair = h.cli.run("verify", "--repair");
        assertEquals(0, repair.exitCode(), repair.toString());
        assertTrue(repair.stdout().contains("moved it to versions.json.corrupt-"), repair.stdout());
        h.assertConsistent();
    }

    @Test
    void unmountedExternalVolumeFallsBackToLocalWithAWarning() throws Exception {
        Path volume = tmp.resolve("Volumes/SAM_models");
        CliRunner.Result r = h.cli.env("SAM_MODELS_DIR", volume.toString()).run("deploy", h.adapters().toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("warning: model volume " + volume + " is not mounted (no such directory); "
                + "using the local fallback"), r.stderr());
        assertTrue(Files.isDirectory(h.root.resolve("models/versions/v1.0.0/adapters")));
        assertFalse(Files.exists(volume));
    }

    @Test
    void unwritableExternalVolumeFallsBackToLocalWithAWarning() throws Exception {
        Path volume = Files.createDirectories(tmp.resolve("ro-volume"));
        Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(volume), "running as root: a 0555 directory is still writable");
            CliRunner.Result r = h.cli.env("SAM_MODELS_DIR", volume.toString()).run("deploy", h.adapters().toString());
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("is not writable; using the local fallback"), r.stderr());
            assertTrue(Files.isDirectory(h.root.resolve("models/versions/v1.0.0/adapters")));
        } finally {
            Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void mountedExternalVolumeHoldsTheVersions() throws Exception {
        Path volume = Files.createDirectories(tmp.resolve("external"));
        CliRunner runner = h.cli.env("SAM_MODELS_DIR", volume.toString());
        CliRunner.Result r = runner.run("deploy", h.adapters().toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().isBlank() || !r.stderr().contains("warning"), r.stderr());
        assertTrue(Files.isRegularFile(volume.resolve("versions/v1.0.0/adapters/adapters.safetensors")));
        assertEquals("v1.0.0\n", Files.readString(volume.resolve("versions/current.txt")));
        // the local store mirrors the volume and the active link points at the local copy, relative, so that
        // it stays valid when the volume is unmounted (issue 22: one store, one numbering)
        Path link = h.root.resolve("models/sam-brain-lora/adapters");
        assertEquals(Path.of("../versions/v1.0.0/adapters"), Files.readSymbolicLink(link), "relative link to the mirror");
        assertTrue(Files.isRegularFile(h.root.resolve("models/versions/v1.0.0/adapters/adapters.safetensors")),
                "the local mirror holds the version");
        CliRunner.Result verify = runner.run("verify");
        assertEquals(0, verify.exitCode(), verify.toString());
    }
}
