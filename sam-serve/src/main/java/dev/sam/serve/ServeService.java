package dev.sam.serve;

import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.store.Database;
import dev.sam.deploy.DeployContext;
import dev.sam.collect.distill.DistillStore;
import dev.sam.core.store.OutcomeRepository;
import dev.sam.deploy.ab.ProgressiveCanary;
import dev.sam.serve.ab.AnswerRecorder;
import dev.sam.serve.ab.FeedbackHandler;
import dev.sam.serve.ab.RolloutLoop;
import dev.sam.serve.api.MetricsHandler;
import dev.sam.serve.api.ModelsHandler;
import dev.sam.serve.api.SelfHandler;
import dev.sam.serve.api.ServeState;
import dev.sam.serve.api.TrainHandler;
import dev.sam.serve.api.TrainLauncher;
import dev.sam.serve.api.TrainingHandler;
import dev.sam.serve.api.VersionsHandler;
import dev.sam.serve.chat.ChatBackend;
import dev.sam.serve.chat.ChatCompletionsHandler;
import dev.sam.serve.chat.CompletionsHandler;
import dev.sam.serve.chat.EngineBackends;
import dev.sam.serve.chat.FaultInjectingBackend;
import dev.sam.serve.chat.Generations;
import dev.sam.serve.http.ApiToken;
import dev.sam.serve.http.RequestGuard;
import dev.sam.serve.http.Route;
import dev.sam.serve.http.Router;
import dev.sam.serve.http.SamHttpServer;
import dev.sam.serve.metrics.MetricsRecorder;
import dev.sam.serve.metrics.MetricsWriter;
import dev.sam.serve.metrics.ProcessMemory;
import dev.sam.serve.ollama.OllamaChatHandler;
import dev.sam.serve.ollama.OllamaGenerateHandler;
import dev.sam.serve.ollama.OllamaTagsHandler;
import dev.sam.serve.rollback.RollbackMonitor;
import dev.sam.deploy.RollbackPolicy;
import dev.sam.serve.routing.ModelSelector;
import dev.sam.serve.routing.ServedVersions;
import dev.sam.serve.routing.TrafficSplitter;
import dev.sam.serve.routing.VersionWatcher;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code sam serve} (docs/formats.md, "HTTP API"): starts the HTTP API on 127.0.0.1:8765 (config serve.host/port) with
 * the active adapter version and the canary's share of requests, request metrics in SQLite, the
 * auto-rollback monitor, and the training endpoints. Refuses a non-loopback address unless allowed.
 *
 * <pre>try (RunningServer s = new ServeService(home, config, db).start(ServeOptions.of(config))) { s.awaitShutdownSignal(); }</pre>
 */
public final class ServeService {
    private final SamHome home;
    private final SamConfig config;
    private final Database db;
    private final java.util.function.LongSupplier clock;

    public ServeService(SamHome home, SamConfig config, Database db) {
        this(home, config, db, System::currentTimeMillis);
    }

    /** With the clock that request metrics and the auto-rollback windows use (tests control it). */
    ServeService(SamHome home, SamConfig config, Database db, java.util.function.LongSupplier clock) {
        this.home = home;
        this.config = config;
        this.db = db;
        this.clock = clock;
    }

    public RunningServer start(ServeOptions o) {
        InetAddress addr = bindAddress(o);
        List<String> warnings = new ArrayList<>();
        ApiToken token = ApiToken.loadOrCreate(home.apiToken());
        warnings.addAll(token.warnings());
        VersionWatcher watcher = new VersionWatcher(home, config, 250);
        ChatBackend backend = o.backend() != null ? o.backend() : EngineBackends.create();
        var faults = FaultInjectingBackend.Settings.fromEnv(o.env());
        if (faults.isPresent()) {
            backend = new FaultInjectingBackend(backend, faults.get());
            warnings.add("TEST FAULT INJECTION is on (" + faults.get() + "): unset SAM_SERVE_FAULT_* in normal use");
        }
        Router router = new Router();
        SamHttpServer server = bind(addr, o.port(), router, o);
        int port = server.port();
        String url = "http://" + urlHost(addr, o.host()) + ":" + port;
        MetricsWriter writer = MetricsWriter.start(db, 100);
        RollbackPolicy policy = RollbackPolicy.from(config.rollback());
        RollbackMonitor monitor = new RollbackMonitor(DeployContext.of(home, db, config), policy, writer, watcher,
                clock);
        if (config.rollback().enabled() && o.monitorMillis() > 0) {
            monitor.start(o.monitorMillis());
        }
        ServeState state = new ServeState(home, config, db, watcher, url, System.currentTimeMillis(),
                backend.describe(), warnings);
        TrainLauncher launcher = new TrainLauncher(home, db, o.samCommand(), o.trainWaitMillis());
        OutcomeRepository outcomes = new OutcomeRepository(db);
        Generations gens = new Generations(backend, watcher, new ModelSelector(new TrafficSplitter()),
                new AnswerRecorder(outcomes));
        RolloutLoop rollouts = new RolloutLoop(new ProgressiveCanary(DeployContext.of(home, db, config), policy), writer,
                watcher, clock);
        if (o.monitorMillis() > 0) { // 0: tests run the checks themselves
            rollouts.start(o.monitorMillis());
        }
        int maxTokens = config.serve().maxTokens();
        // serve.require_token_for_chat: only clients given the token generate (and so feed the rollback numbers)
        boolean chatToken = config.serve().requireTokenForChat();
        List<Route> routes = List.of(
                Route.get("/api/self", "api.self", new SelfHandler(state, config.rollback().enabled())),
                Route.get("/api/training", "api.training", new TrainingHandler(state, launcher)),
                Route.mutating("/api/train", "api.train", new TrainHandler(launcher)),
                Route.get("/api/versions", "api.versions", new VersionsHandler(state)),
                Route.mutating("/api/feedback", "api.feedback", new FeedbackHandler(outcomes, new DistillStore(db))),
                Route.get("/api/metrics", "api.metrics", new MetricsHandler(state, writer, monitor)),
                Route.get("/v1/models", "models", new ModelsHandler(state)),
                Route.generating("/v1/chat/completions", "chat.completions", chatToken,
                        new ChatCompletionsHandler(gens, maxTokens)),
                Route.generating("/v1/completions", "completions", chatToken,
                        new CompletionsHandler(gens, maxTokens)),
                // Ollama's API subset (docs/user-guide.md): none of its paths is one of SAM's /api/* routes
                Route.get("/api/tags", "ollama.tags", new OllamaTagsHandler(state)),
                Route.get("/api/version", "ollama.version", OllamaTagsHandler.version()),
                Route.post("/api/show", "ollama.show", OllamaTagsHandler.show(state)),
                Route.generating("/api/chat", "ollama.chat", chatToken, new OllamaChatHandler(gens, maxTokens)),
                Route.generating("/api/generate", "ollama.generate", chatToken,
                        new OllamaGenerateHandler(gens, maxTokens)));
        RequestGuard guard = new RequestGuard(port, o.host(), o.allowRemote(), token, config.serve().maxBodyBytes(),
                o.allowedHosts());
        router.open(routes, guard, new MetricsRecorder(writer, new ProcessMemory(), clock));
        ServedVersions v = watcher.current();
        if (v.active().problem() != null) {
            warnings.add(v.active().problem());
        }
        ServeInfo info = new ServeInfo(url, o.host(), port, token.file().toString(), token.created(), v.active().version(),
                v.canary() == null ? null : v.canary().version(), v.canaryTraffic(), v.active().baseModel(),
                backend.describe(), config.rollback().enabled() ? describe(policy) : "disabled", warnings);
        return new RunningServer(info, server, router, writer, monitor, rollouts, backend, o.graceMillis());
    }

    private static String describe(RollbackPolicy p) {
        return String.format(Locale.ROOT, "error rate > %.0f%%, reference latency (256 prompt + 64 new tokens) > %.0f ms"
                        + " or memory > %.1f GB over %d s (at least %d different prompts)", p.maxErrorRate() * 100,
                p.maxMeanLatencyMs(),
                p.maxMemoryBytes() / (1L << 30), p.windowSeconds(), p.minRequests());
    }

    /** The host part of the printed URL: what the user gave, 127.0.0.1 for "all addresses". */
    private static String urlHost(InetAddress addr, String given) {
        if (addr.isAnyLocalAddress()) {
            return "127.0.0.1";
        }
        if (given.equalsIgnoreCase("localhost")) {
            return "localhost";
        }
        String a = addr.getHostAddress();
        return a.contains(":") ? "[" + a.replaceAll("%.*", "") + "]" : a;
    }

    private static InetAddress bindAddress(ServeOptions o) {
        InetAddress addr;
        try {
            addr = InetAddress.getByName(o.host());
        } catch (UnknownHostException e) {
            throw SamException.usage("cannot resolve --host " + o.host(), "use 127.0.0.1 (the default)");
        }
        if (!addr.isLoopbackAddress() && !o.allowRemote()) {
            throw SamException.usage("refusing to listen on " + o.host() + ": it is reachable from other machines, and"
                    + " the API runs your model and starts training", "add --allow-remote if you mean it (POST"
                    + " /api/train still needs the token), or use the default 127.0.0.1");
        }
        return addr;
    }

    private SamHttpServer bind(InetAddress addr, int port, Router router, ServeOptions o) {
        try {
            return SamHttpServer.start(addr, port, router, config.serve(), o.threads());
        } catch (BindException e) {
            throw SamException.failure("cannot listen on " + addr.getHostAddress() + ":" + port + ": " + e.getMessage(),
                    "another program (another `sam serve`?) uses the port; stop it or pick one with --port N");
        } catch (IOException e) {
            throw SamException.failure("cannot start the HTTP server on " + addr.getHostAddress() + ":" + port + ": "
                    + e.getMessage(), null);
        }
    }
}
