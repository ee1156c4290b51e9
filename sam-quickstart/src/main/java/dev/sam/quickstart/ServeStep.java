package dev.sam.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.serve.RunningServer;
import dev.sam.serve.ServeOptions;
import dev.sam.serve.ServeService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Step 12 ({@code sam serve}): starts the server in this process on a free loopback port with the real
 * engine, and sends real HTTP requests: {@value #REQUESTS} chat completions (one streamed) asking to route
 * tasks from the new part of the routing log — the canary answers its exact share of them — and
 * {@code GET /api/self}.
 */
final class ServeStep implements Step {
    static final int REQUESTS = 10;
    static final int DEMO_TASKS = 5;

    @Override
    public String name() {
        return "serve and send requests (sam serve)";
    }

    @Override
    public String remedy() {
        return "see logs/sam.log in the quickstart directory; `sam --sam-home DIR serve` starts the server alone";
    }

    @Override
    public Outcome run(QuickstartContext ctx) {
        ServeOptions o = ServeOptions.of(ctx.config).withHost("127.0.0.1").withPort(0);
        RunningServer s = new ServeService(ctx.home, ctx.config, ctx.db).start(o);
        ctx.server = s;
        ctx.api = new ApiClient(s.info().url());
        String active = ctx.active.version().version();
        String canary = ctx.canary.version().version();
        ctx.api.awaitServing(active, canary);
        ctx.demo.clear();
        ctx.demo.addAll(demoTasks());
        Map<String, Integer> byVersion = new TreeMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            Answer a = ctx.api.chat("canary split", ctx.demo.get(i % ctx.demo.size()), i == 2);
            if (a.status() != 200) {
                throw SamException.failure("POST /v1/chat/completions answered " + a.status() + ": " + a.answer(),
                        remedy());
            }
            ctx.answers.add(a);
            byVersion.merge(a.version(), 1, Integer::sum);
        }
        if (!byVersion.containsKey(active) || !byVersion.containsKey(canary)) {
            throw SamException.failure("of " + REQUESTS + " requests " + byVersion + " answered; both " + active
                    + " and the canary " + canary + " should have", remedy());
        }
        JsonNode self = ctx.api.get("/api/self");
        JsonNode stats = self.get("training_stats");
        ctx.artefact("server", java.nio.file.Path.of(ctx.home.logsDir().toString(), "sam.log"));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("url", s.info().url());
        d.put("engine", s.info().engine());
        d.put("requests_by_version", byVersion);
        d.put("api_self_training_stats", stats);
        return new Outcome(s.info().url() + ": " + REQUESTS + " chat requests (1 streamed) -> " + byVersion.get(active)
                + " answered by " + active + ", " + byVersion.get(canary) + " by canary " + canary + "; /api/self: model "
                + stats.path("model_version").asText() + ", canary_active "
                + stats.at("/deployment/canary_active").asBoolean(), d);
    }

    /**
     * Tasks from the log's second part (new to run 1): two for the new handler, then one each for the first
     * handlers that come up — {@value #DEMO_TASKS} in all.
     */
    static List<BundledData.Route> demoTasks() {
        List<BundledData.Route> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        List<BundledData.Route> log = BundledData.routes(BundledData.ROUTING_2).stream()
                .filter(r -> r.outcome().equals("success")).toList();
        log.stream().filter(r -> r.route().equals(BundledData.NEW_HANDLER)).limit(2).forEach(out::add);
        for (BundledData.Route r : log) {
            if (!r.route().equals(BundledData.NEW_HANDLER) && !seen.contains(r.route()) && out.size() < DEMO_TASKS) {
                seen.add(r.route());
                out.add(r);
            }
        }
        return out;
    }
}
