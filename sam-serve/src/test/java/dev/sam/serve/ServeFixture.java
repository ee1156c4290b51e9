package dev.sam.serve;

import dev.sam.core.TestHomes;
import dev.sam.train.adapters.TestAdapters;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Database;
import dev.sam.deploy.Canary;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.DeployRequest;
import dev.sam.deploy.Deployer;
import dev.sam.serve.chat.ChatBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fresh SAM_HOME with the fixture's tiny Qwen2 base (config only — enough for deployment checks and
 * for the fake engine), a database, helpers to deploy versions of the fixture's real mlx-lm adapters,
 * and a server on a free loopback port.
 */
final class ServeFixture implements AutoCloseable {
    static final String BASE = "qwen2-tiny";

    final Path tmp;
    final SamHome home;
    final Database db;
    SamConfig config;
    RunningServer server;
    Api api;
    /** The clock of request metrics and auto-rollback windows: real time unless a test moves it. */
    final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    private boolean manualClock;
    private int variants;

    ServeFixture(Path tmp) throws IOException {
        this.tmp = tmp;
        this.home = TestHomes.fresh(tmp);
        Path base = Files.createDirectories(home.baseModel(BASE));
        Files.copy(TestHomes.testdata("qwen2-tiny").resolve("fp32/config.json"), base.resolve("config.json"));
        this.db = Database.open(home.database());
        this.config = config(SamConfig.defaults().rollback(), 1 << 20);
    }

    static SamConfig config(SamConfig.Rollback rollback, int maxBody) {
        SamConfig d = SamConfig.defaults();
        return new SamConfig(new SamConfig.Training(d.training().minSamples(), d.training().defaultProfile(), BASE,
                d.training().profiles()), rollback, d.models(), d.collect(),
                new SamConfig.Serve("127.0.0.1", 0, maxBody, d.serve().maxTokens()), d.cycle());
    }

    /** Auto-rollback over a short window for tests. */
    ServeFixture rollback(double maxErrorRate, double maxLatencyMs, double maxMemoryGb, int windowSeconds, int minRequests) {
        config = config(new SamConfig.Rollback(maxErrorRate, maxLatencyMs, maxMemoryGb, windowSeconds, minRequests, true),
                config.serve().maxBodyBytes());
        return this;
    }

    ServeFixture maxBody(int bytes) {
        config = config(config.rollback(), bytes);
        return this;
    }

    DeployContext ctx() {
        return DeployContext.of(home, db, config);
    }

    /** Distinct copies of the fixture adapters (one byte differs, so each has its own checksum). */
    Path adapters() throws IOException {
        return TestAdapters.variant(tmp.resolve("adapters-" + variants), variants++);
    }

    String deploy() throws IOException {
        return new Deployer(ctx()).deploy(DeployRequest.ofPath(adapters()), ProgressListener.NONE).version().version();
    }

    String canary(int traffic) throws IOException {
        return new Canary(ctx()).start(DeployRequest.ofPath(adapters()).asCanary(traffic), ProgressListener.NONE)
                .version().version();
    }

    ServeOptions options(ChatBackend backend) {
        return ServeOptions.of(config).withPort(0).withBackend(backend).withMonitorMillis(200).withGraceMillis(5000);
    }

    Api start(ChatBackend backend) {
        return start(options(backend));
    }

    /** From now on the metrics clock stands still unless the test {@link #advance}s it. */
    ServeFixture manualClock() {
        now.set(System.currentTimeMillis());
        manualClock = true;
        return this;
    }

    void advance(long millis) {
        now.addAndGet(millis);
    }

    Api start(ServeOptions o) {
        server = new ServeService(home, config, db, () -> manualClock ? now.get() : System.currentTimeMillis()).start(o);
        api = new Api(server.port());
        return api;
    }

    Api start(ChatBackend backend, Map<String, String> env) {
        return start(options(backend).withEnv(env));
    }

    String token() throws IOException {
        return Files.readString(home.apiToken()).trim();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
        db.close();
    }
}
