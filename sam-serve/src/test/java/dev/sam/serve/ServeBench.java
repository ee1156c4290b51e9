package dev.sam.serve;

import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.train.adapters.TestAdapters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark of sam serve (run by bench/serve.sh): a real server on a free loopback port over a temporary
 * SAM_HOME with an active version and a canary, {@code clients} concurrent clients × {@code requests}
 * requests each to GET /api/self and GET /v1/models (after a warm-up), then chat completions with the
 * real engine on the tiny model; latency percentiles by nearest rank. Prints a table and writes
 * {@code <out>/<date>-serve.json}. Bounded: 10 000 requests per status endpoint, 100 completions.
 */
public final class ServeBench {
    private ServeBench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        int clients = Integer.getInteger("bench.clients", 20);
        int requests = Integer.getInteger("bench.requests", 500);
        Path tmp = Files.createTempDirectory("sam-serve-bench");
        List<Map<String, Object>> runs = new ArrayList<>();
        try (ServeFixture f = new ServeFixture(tmp)) {
            f.deploy();
            f.canary(10);
            f.start(new EchoBackend());
            int port = f.server.port();
            LoadRunner.run(clients, 100, LoadRunner.get(port, "/api/self")); // warm-up (JIT, connections)
            runs.add(row("GET /api/self", LoadRunner.run(clients, requests, LoadRunner.get(port, "/api/self"))));
            runs.add(row("GET /v1/models", LoadRunner.run(clients, requests, LoadRunner.get(port, "/v1/models"))));
        } finally {
            dev.sam.deploy.store.VersionStore.deleteQuietly(tmp);
        }
        runs.addAll(chat(Files.createTempDirectory("sam-serve-bench-chat")));
        System.out.printf("%-50s %7s %8s %7s %9s %8s %8s %8s %8s%n", "endpoint", "clients", "requests", "errors",
                "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms");
        for (Map<String, Object> r : runs) {
            System.out.printf(Locale.ROOT, "%-50s %7d %8d %7d %9.0f %8.2f %8.2f %8.2f %8.2f%n", r.get("endpoint"),
                    r.get("clients"), r.get("total"), r.get("errors"), r.get("requests_per_second"), r.get("p50_ms"),
                    r.get("p90_ms"), r.get("p99_ms"), r.get("max_ms"));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "serve");
        doc.put("date", LocalDate.now().toString());
        doc.put("what", "sam serve on 127.0.0.1 (Jetty 12, 16 request threads), SQLite request metrics on;"
                + " clients and server in one JVM on the same machine; each client one keep-alive connection,"
                + " requests back to back");
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", procLine("/proc/cpuinfo", "model name"));
        machine.put("load_average", procLine("/proc/loadavg", ""));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        doc.put("machine", machine);
        doc.put("runs", runs);
        Files.createDirectories(out);
        Path file = out.resolve(LocalDate.now() + "-serve.json");
        AtomicFiles.writeString(file, Json.pretty(doc) + "\n");
        System.out.println("wrote " + file.toAbsolutePath());
    }

    /** The first line of a /proc file starting with {@code key} (its value after ':'), or null off Linux. */
    private static String procLine(String file, String key) {
        try {
            for (String l : Files.readAllLines(Path.of(file))) {
                if (l.startsWith(key)) {
                    return l.contains(":") && !key.isEmpty() ? l.substring(l.indexOf(':') + 1).trim() : l.trim();
                }
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return null;
    }

    /**
     * Chat completions with the real engine: the tiny model (2 layers, hidden 64) with an adapter version,
     * 4 clients × 25 requests of 16 greedy tokens each — server, routing, metrics and generation overhead,
     * not model speed (see native/README.md for that); then one request each with long prompts (5, 10 and
     * 20 KB of code, one new token): how the time of a prompt grows with its length (docs/user-guide.md,
     * "Long prompts").
     */
    private static List<Map<String, Object>> chat(Path tmp) throws Exception {
        try (ServeFixture f = new ServeFixture(tmp)) {
            Path model = TinyEngineHome.installTiny(f.home.baseModel(TinyEngineHome.BASE));
            f.config = new dev.sam.core.config.SamConfig(new dev.sam.core.config.SamConfig.Training(100, "8gb",
                    TinyEngineHome.BASE, f.config.training().profiles()), f.config.rollback(), f.config.models(),
                    f.config.collect(), f.config.serve(), f.config.cycle());
            new dev.sam.deploy.Deployer(f.ctx()).deploy(dev.sam.deploy.DeployRequest.ofPath(
                    TestAdapters.random(model, tmp.resolve("a"), 1, TinyEngineHome.BASE)), dev.sam.core.progress.ProgressListener.NONE);
            f.start(f.options(dev.sam.serve.chat.EngineBackends.create()));
            java.net.URI u = java.net.URI.create("http://127.0.0.1:" + f.server.port() + "/v1/chat/completions");
            String body = "{\"temperature\":0,\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"Write a Python function that reverses a string.\"}]}";
            java.util.function.Supplier<java.net.http.HttpRequest> req = () -> java.net.http.HttpRequest.newBuilder(u)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
            LoadRunner.run(4, 5, req); // warm-up
            List<Map<String, Object>> rows = new ArrayList<>();
            rows.add(row("POST /v1/chat/completions (tiny model, 16 tokens)", LoadRunner.run(4, 25, req)));
            StringBuilder code = new StringBuilder();
            for (int i = 0; code.length() < 20_000; i++) {
                code.append("def f").append(i).append("(x):\n    return x + ").append(i % 97).append("\n");
            }
            for (int kb : new int[] {5, 10, 20}) {
                String longBody = "{\"temperature\":0,\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":"
                        + Json.write(code.substring(0, kb * 1000)) + "}]}";
                rows.add(row("POST /v1/chat/completions (tiny model, " + kb + " KB prompt, 1 token)",
                        LoadRunner.run(1, 1, () -> java.net.http.HttpRequest.newBuilder(u)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(longBody)).build())));
            }
            return rows;
        } finally {
            dev.sam.deploy.store.VersionStore.deleteQuietly(tmp);
        }
    }

    private static Map<String, Object> row(String endpoint, LoadRunner.Result r) {
        if (r.errors() > 0) {
            throw new IllegalStateException(endpoint + ": " + r.errors() + " errors, first: " + r.firstError());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("endpoint", endpoint);
        m.put("clients", r.clients());
        m.put("requests_per_client", r.requestsPerClient());
        m.put("total", r.total());
        m.put("errors", r.errors());
        m.put("seconds", round(r.seconds()));
        m.put("requests_per_second", round(r.requestsPerSecond()));
        m.put("p50_ms", round(r.p50Ms()));
        m.put("p90_ms", round(r.p90Ms()));
        m.put("p99_ms", round(r.p99Ms()));
        m.put("max_ms", round(r.maxMs()));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
