package dev.sam.cli.serve;

import dev.sam.cli.Main;
import dev.sam.cli.SamSubcommand;
import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.serve.RunningServer;
import dev.sam.serve.ServeInfo;
import dev.sam.serve.ServeOptions;
import dev.sam.serve.ServeService;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sam serve}: the local API until Ctrl-C or SIGTERM. */
@Command(name = "serve", description = {
        "Serve the local API (default http://127.0.0.1:8765, config serve.host/port):",
        "OpenAI-compatible POST /v1/chat/completions with the active adapter (and the",
        "canary's share of requests), GET /api/self, /api/training, /api/versions,",
        "/api/metrics, /v1/models, and POST /api/train (needs the bearer token from",
        "SAM_HOME/api_token, created on first start with mode 600; with",
        "serve.require_token_for_chat: true the chat routes need it too).",
        "Records per-version request metrics (`sam stats`) and rolls a failing",
        "version back automatically (rollback.* in config.yaml). Versions deployed,",
        "promoted or rolled back while it runs are picked up without a restart.",
        "Ctrl-C or SIGTERM: finishes requests in flight, writes metrics, exits 0.",
        "Timeouts and connection limits: serve.limits.* (docs/user-guide.md).",
        "",
        "Examples:",
        "  sam serve",
        "  sam serve --port 9000",
        "  curl -s http://127.0.0.1:8765/api/self | jq .training_stats",
        ""})
public final class ServeCommand extends SamSubcommand {
    @Option(names = "--host", paramLabel = "ADDR", description = "Address to listen on (default 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "N", description = "Port (default 8765; 0 picks a free one).")
    Integer port;

    @Option(names = "--allow-remote", description = {"Allow a non-loopback --host (reachable from other",
            "machines; POST /api/train still needs the token)."})
    boolean allowRemote;

    @Option(names = "--allow-host", paramLabel = "NAME", description = {"Also accept this name in the Host header",
            "(repeatable; adds to serve.allowed_hosts), e.g. host.docker.internal for a web UI in a container.",
            "Other names stay refused: that check stops DNS-rebinding attacks from web pages."})
    java.util.List<String> allowHosts = new java.util.ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        var c = ctx();
        ServeOptions o = ServeOptions.of(c.config()).withSamCommand(ServeOptions.currentJvm(Main.class.getName()))
                .withEnv(c.env()).withAllowRemote(allowRemote);
        for (String h : allowHosts) {
            if (SamConfig.Serve.hostProblem(h) != null) {
                throw SamException.usage("--allow-host " + SamConfig.Serve.hostProblem(h), null);
            }
        }
        o = o.withAllowedHosts(allowHosts);
        if (host != null) {
            o = o.withHost(host);
        }
        if (port != null) {
            if (port < 0 || port > 65535) {
                throw SamException.usage("--port must be 0..65535, got " + port, null);
            }
            o = o.withPort(port);
        }
        try (RunningServer server = new ServeService(c.home(), c.config(), c.db()).start(o)) {
            ServeInfo i = server.info();
            i.warnings().forEach(c.out()::warn);
            c.out().result(i, out -> print(out, i));
            server.awaitShutdownSignal();
            c.out().note("stopping: finishing requests in flight ...");
            RunningServer.Shutdown s = server.stop();
            c.out().note("stopped" + (s.drained() ? "" : " (some requests in flight were cut off)") + "; "
                    + s.recorded() + " request(s) recorded in " + c.home().database()
                    + (s.dropped() > 0 ? ", " + s.dropped() + " could not be written" : ""));
        }
        return 0;
    }

    private static void print(PrintWriter out, ServeInfo i) {
        out.println("SAM is serving on " + i.url());
        out.println("  model:         " + (!i.active().equals("base") ? i.active() + " on base " + i.baseModel()
                : i.baseModel() != null ? "base model " + i.baseModel() + " (no adapter deployed)"
                : "none (no adapter deployed, no base model)")
                + (i.canary() == null ? "" : ", canary " + i.canary() + " at " + i.canaryTraffic() + "%"));
        out.println("  engine:        " + i.engine());
        out.println("  token:         " + i.tokenFile() + (i.tokenCreated() ? " (created now)" : "")
                + " — for POST /api/train");
        out.println("  auto-rollback: " + i.autoRollback());
        out.println("  try:           curl -s " + i.url() + "/api/self");
        out.println("Press Ctrl-C to stop.");
    }
}
