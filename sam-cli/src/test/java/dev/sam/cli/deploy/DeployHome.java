package dev.sam.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.cli.CliRunner;
import dev.sam.core.TestHomes;
import dev.sam.train.adapters.TestAdapters;
import dev.sam.core.config.ConfigLoader;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Database;
import dev.sam.core.store.VersionRepository;
import dev.sam.core.store.VersionsFile;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.DeployRequest;
import dev.sam.deploy.Deployer;
import dev.sam.deploy.VersionIntegrity;
import dev.sam.deploy.store.ActiveLink;
import dev.sam.core.store.Checksums;
import dev.sam.deploy.store.VersionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A SAM_HOME for CLI tests of the deployment verbs: the tiny Qwen2 base installed as
 * models/base/qwen2-tiny (config training.base_model points at it), distinct copies of the fixture's
 * real mlx-lm adapters, in-process setup through sam-deploy, and the store invariants.
 */
public final class DeployHome {
    static final String BASE = "qwen2-tiny";

    final Path tmp;
    public final Path root;
    public final CliRunner cli;
    private int variants;

    public DeployHome(Path tmp) throws IOException {
        this.tmp = tmp;
        this.root = tmp.resolve("home");
        Path base = Files.createDirectories(root.resolve("models/base").resolve(BASE));
        Files.copy(TestHomes.testdata("qwen2-tiny").resolve("fp32/config.json"), base.resolve("config.json"));
        Files.writeString(root.resolve("config.yaml"), "training:\n  base_model: " + BASE + "\n");
        this.cli = new CliRunner(root);
    }

    SamHome home() {
        return SamHome.of(root);
    }

    /** A copy of the fixture adapters with one data byte changed (its own checksum). */
    public Path adapters() throws IOException {
        return TestAdapters.variant(tmp.resolve("adapters-" + variants), variants++);
    }

    /** Runs sam-deploy in this JVM (fast setup for crash tests); the database is closed afterwards. */
    <T> T inProcess(Function<DeployContext, T> work) {
        SamHome h = home().ensureLayout();
        try (Database db = Database.open(h.database())) {
            return work.apply(DeployContext.of(h, db, ConfigLoader.load(h.configFile())));
        }
    }

    void deployInProcess(int times) throws IOException {
        for (int i = 0; i < times; i++) {
            Path a = adapters();
            inProcess(c -> new Deployer(c).deploy(DeployRequest.ofPath(a), ProgressListener.NONE));
        }
    }

    List<ModelVersion> versions() {
        return new VersionsFile(home()).read();
    }

    String active() {
        List<ModelVersion> a = versions().stream().filter(v -> v.status() == VersionStatus.ACTIVE).toList();
        assertEquals(1, a.size(), "exactly one active version in versions.json: " + versions());
        return a.get(0).version();
    }

    /** Every version directory under its final name is complete (checksums.json + intact files). */
    void assertNoHalfCopiedVersion() {
        VersionStore store = new VersionStore(home());
        for (String d : store.directories()) {
            assertTrue(store.madeBySam(d), d + " has checksums.json (was renamed only when complete)");
            ModelVersion probe = new ModelVersion(d, "", null, VersionStatus.RETIRED, null, null, null, 0, Map.of(),
                    null, null);
            assertEquals(List.of(), new VersionIntegrity(store).problems(probe), d + " is complete");
        }
    }

    /** versions.json, current.txt, the symlink and sam.db agree, every copy is intact, no leftovers. */
    void assertConsistent() {
        String a = active();
        SamHome h = home();
        VersionStore store = new VersionStore(h);
        assertEquals(a, new VersionsFile(h).current().orElse(null), "current.txt");
        assertTrue(new ActiveLink(h).pointsTo(store.adapters(a)), "symlink points at " + a);
        Map<String, ModelVersion> want = new HashMap<>();
        versions().forEach(v -> want.put(v.version(), v));
        try (Database db = Database.open(h.database())) {
            Map<String, ModelVersion> mirror = new HashMap<>();
            new VersionRepository(db).list().forEach(v -> mirror.put(v.version(), v));
            assertEquals(want, mirror, "sam.db mirrors versions.json");
        }
        for (ModelVersion v : versions()) {
            assertEquals(List.of(), new VersionIntegrity(store).problems(v), v.version());
        }
        assertEquals(List.of(), store.leftovers());
        assertEquals(want.keySet().stream().sorted().toList(), store.directories().stream().sorted().toList());
    }

    /** sha256 of everything under models/ (files and link targets) and of sam.db. */
    Map<String, String> snapshot() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root.resolve("models"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                out.put(p.toString(), Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
                        : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Checksums.file(p) : "dir");
            }
        }
        for (String f : List.of("sam.db", "sam.db-wal")) {
            Path p = root.resolve(f);
            out.put(f, Files.exists(p) ? Checksums.file(p) : "absent");
        }
        return out;
    }
}
