package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.TestHomes;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Database;
import dev.sam.core.store.VersionRepository;
import dev.sam.core.store.VersionsFile;
import dev.sam.deploy.store.ActiveLink;
import dev.sam.core.store.Checksums;
import dev.sam.deploy.store.VersionStore;
import dev.sam.train.adapters.TestAdapters;
import dev.sam.train.eval.GenerationProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A fresh SAM_HOME with the tiny base installed, a database, and helpers to deploy and check. */
final class DeployFixture implements AutoCloseable {
    final Path tmp;
    final SamHome home;
    final Database db;
    final DeployContext ctx;
    private int variants;

    DeployFixture(Path tmp) throws IOException {
        this.tmp = tmp;
        this.home = TestHomes.fresh(tmp);
        TestAdapters.installBase(home);
        this.db = Database.open(home.database());
        SamConfig d = SamConfig.defaults();
        SamConfig config = new SamConfig(new SamConfig.Training(d.training().minSamples(), d.training().defaultProfile(),
                TestAdapters.BASE, d.training().profiles()), d.rollback(), d.models(), d.collect(), d.serve(), d.cycle());
        DeployContext real = DeployContext.of(home, db, config);
        if (!(real.probe() instanceof GenerationProbe)) {
            throw new AssertionError("DeployContext.of must build the real generation probe, got " + real.probe());
        }
        // These tests are about the store, not generation: the fixture adapters are not trained.
        this.ctx = real.withProbe(null).withClock(new Ticking());
    }

    /** Distinct adapters each time (one byte differs), so every version has its own checksum. */
    Path adapters() throws IOException {
        return TestAdapters.variant(tmp.resolve("src-" + variants), variants++);
    }

    DeployResult deploy() throws IOException {
        return new Deployer(ctx).deploy(DeployRequest.ofPath(adapters()), ProgressListener.NONE);
    }

    VersionState state() {
        return VersionState.read(new VersionsFile(home));
    }

    ModelVersion version(String v) {
        return state().find(v).orElseThrow();
    }

    /** The invariants every committed state has: one active, pointers and mirror agree, copies intact. */
    void assertConsistent() {
        VersionState s = state();
        List<ModelVersion> active = s.versions().stream().filter(v -> v.status() == VersionStatus.ACTIVE).toList();
        assertEquals(1, active.size(), "exactly one active: " + s);
        String a = active.get(0).version();
        assertEquals(a, new VersionsFile(home).current().orElse(null), "current.txt");
        assertTrue(new ActiveLink(home).pointsTo(new VersionStore(home).adapters(a)), "symlink -> " + a);
        Map<String, ModelVersion> mirror = new HashMap<>();
        new VersionRepository(db).list().forEach(v -> mirror.put(v.version(), v));
        Map<String, ModelVersion> want = new HashMap<>();
        s.versions().forEach(v -> want.put(v.version(), v));
        assertEquals(want, mirror, "sam.db mirrors versions.json");
        VersionIntegrity integrity = new VersionIntegrity(new VersionStore(home));
        for (ModelVersion v : s.versions()) {
            assertEquals(List.of(), integrity.problems(v), v.version() + " intact");
        }
        assertEquals(List.of(), new VersionStore(home).leftovers(), "no leftovers");
        assertEquals(s.names().stream().sorted().toList(),
                new VersionStore(home).directories().stream().sorted().toList(), "no unrecorded version directory");
    }

    /** sha256 of every file and symlink target under the store and the database file. */
    Map<String, String> snapshot() throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (Path root : List.of(home.modelsDir(), home.versionsDir())) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (Files.isSymbolicLink(p)) {
                        out.put(p.toString(), "-> " + Files.readSymbolicLink(p));
                    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        out.put(p.toString(), Checksums.file(p));
                    } else {
                        out.put(p.toString(), "dir");
                    }
                }
            }
        }
        for (String f : List.of("sam.db", "sam.db-wal")) {
            Path p = home.root().resolve(f);
            out.put(f, Files.exists(p) ? Checksums.file(p) : "absent");
        }
        return out;
    }

    @Override
    public void close() {
        db.close();
    }

    /** A clock that advances one minute per reading, so deployed_at orders the history. */
    static final class Ticking extends Clock {
        private Instant t = Instant.parse("2026-01-25T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public synchronized Instant instant() {
            t = t.plusSeconds(60);
            return t;
        }
    }
}
