package dev.sam.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything configurable in SAM, one record with defaults in code. {@code SAM_HOME/config.yaml} may
 * override any key (see {@link ConfigLoader}); command-line flags override both.
 */
public record SamConfig(Training training, Rollback rollback, Models models, Collect collect, Serve serve,
                        Cycle cycle, Eval eval) {

    /** The configuration with the default evaluation settings. */
    public SamConfig(Training training, Rollback rollback, Models models, Collect collect, Serve serve, Cycle cycle) {
        this(training, rollback, models, collect, serve, cycle, Eval.defaults());
    }

    /** The configuration with the default cycle and evaluation settings. */
    public SamConfig(Training training, Rollback rollback, Models models, Collect collect, Serve serve) {
        this(training, rollback, models, collect, serve, defaults().cycle(), Eval.defaults());
    }

    /**
     * Training thresholds and profiles, and how samples are used: {@code weighting} ({@code none}, or
     * {@code quality}: each sample's loss scaled by its quality, normalized to mean 1) and {@code curriculum}
     * ({@code none}: length-grouped shuffled batches; {@code length} or {@code loss}: easy to hard by token
     * length or by the base model's loss, on a competence schedule).
     */
    public record Training(int minSamples, String defaultProfile, String baseModel,
                           Map<String, TrainingProfile> profiles, String weighting, String curriculum) {
        public static final List<String> WEIGHTINGS = List.of("none", "quality");
        public static final List<String> CURRICULA = List.of("none", "length", "loss");

        public Training {
            weighting = weighting == null ? "none" : weighting;
            curriculum = curriculum == null ? "none" : curriculum;
        }

        /** Unweighted, no curriculum. */
        public Training(int minSamples, String defaultProfile, String baseModel, Map<String, TrainingProfile> profiles) {
            this(minSamples, defaultProfile, baseModel, profiles, "none", "none");
        }
    }

    /** Auto-rollback policy of {@code sam serve} (docs/user-guide.md, "Automatic rollback"). */
    public record Rollback(double maxErrorRate, double maxMeanLatencyMs, double maxMemoryGb,
                           int windowSeconds, int minRequests, boolean enabled) {
    }

    /** Where model versions live: an external volume when mounted, else SAM_HOME/models. */
    public record Models(String primary) {
    }

    /**
     * Default inputs of {@code sam collect}: git repositories, markdown roots, task-routing logs (JSONL of
     * {@code {"task","route","outcome"}}), a start date for commits, and the quality/dedup thresholds.
     *
     * @param ticketPrefix a regex of the ticket ids a team puts in front of its subjects ("JIRA-123: ",
     *                     "[ABC-9] "); matched at the start of a commit subject and removed from the target
     *                     (kept in meta). Null: no ticket prefix is removed.
     * @param mix          training-time shares per slice ({@code source} or {@code source/kind}, e.g.
     *                     {@code commits: 0.4, code/test: 0.1}); over-represented slices are sampled down to
     *                     these shares by content hash. Empty: the collected mix as it is.
     */
    public record Collect(List<String> repos, List<String> docs, List<String> routingLogs, String since,
                          int maxDiffLines, double minQuality, double nearDuplicateThreshold, String ticketPrefix,
                          Map<String, Double> mix, double fimRate) {
        /** Share of functions that also give a fill-in-the-middle sample (Bavarian et al. 2022 use 0.5). */
        public static final double DEFAULT_FIM_RATE = 0.5;

        public Collect {
            repos = repos == null ? List.of() : List.copyOf(repos);
            docs = docs == null ? List.of() : List.copyOf(docs);
            routingLogs = routingLogs == null ? List.of() : List.copyOf(routingLogs);
            mix = mix == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(mix));
        }

        /** Without a FIM rate: the default one. */
        public Collect(List<String> repos, List<String> docs, List<String> routingLogs, String since,
                       int maxDiffLines, double minQuality, double nearDuplicateThreshold, String ticketPrefix,
                       Map<String, Double> mix) {
            this(repos, docs, routingLogs, since, maxDiffLines, minQuality, nearDuplicateThreshold, ticketPrefix, mix,
                    DEFAULT_FIM_RATE);
        }
    }

    /**
     * {@code sam serve} defaults.
     *
     * @param allowedHosts        extra names the Host header may carry (e.g. host.docker.internal for a web UI in a
     *                            container); loopback names are always allowed, every other name is refused
     *                            against DNS rebinding
     * @param requireTokenForChat the chat endpoints (OpenAI and Ollama) need the bearer token too, so that only
     *                            clients given the token can generate (and so feed the auto-rollback numbers)
     * @param limits              the HTTP server's timeouts and connection bounds
     */
    public record Serve(String host, int port, int maxBodyBytes, int maxTokens, List<String> allowedHosts,
                        boolean requireTokenForChat, Limits limits) {
        public Serve {
            allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
            limits = limits == null ? Limits.defaults() : limits;
        }

        public Serve(String host, int port, int maxBodyBytes, int maxTokens, List<String> allowedHosts) {
            this(host, port, maxBodyBytes, maxTokens, allowedHosts, false, Limits.defaults());
        }

        public Serve(String host, int port, int maxBodyBytes, int maxTokens) {
            this(host, port, maxBodyBytes, maxTokens, List.of());
        }

        /** The same settings with other limits. */
        public Serve withLimits(Limits l) {
            return new Serve(host, port, maxBodyBytes, maxTokens, allowedHosts, requireTokenForChat, l);
        }

        /** The same settings, chat requiring the token or not. */
        public Serve withRequireTokenForChat(boolean r) {
            return new Serve(host, port, maxBodyBytes, maxTokens, allowedHosts, r, limits);
        }

        /**
         * {@code serve.limits} (docs/user-guide.md, "Timeouts and limits"): a request head must arrive whole within
         * {@code headerTimeoutSeconds} of its first byte, its body within {@code bodyTimeoutSeconds} of the
         * request's start; a connection with nothing to read or write for {@code idleTimeoutSeconds} is closed;
         * at most {@code maxConnections} connections are open (more wait in the listen backlog) and at most
         * {@code maxConnectionsPerClient} from one IP address (more are closed at once).
         */
        public record Limits(int headerTimeoutSeconds, int bodyTimeoutSeconds, int idleTimeoutSeconds,
                             int maxConnections, int maxConnectionsPerClient) {
            public static Limits defaults() {
                return new Limits(10, 30, 30, 256, 64);
            }

            List<String> problems() {
                List<String> out = new ArrayList<>();
                if (headerTimeoutSeconds < 1) {
                    out.add("serve.limits.header_timeout_seconds must be >= 1, got " + headerTimeoutSeconds);
                }
                if (bodyTimeoutSeconds < 1) {
                    out.add("serve.limits.body_timeout_seconds must be >= 1, got " + bodyTimeoutSeconds);
                }
                if (idleTimeoutSeconds < 1) {
                    out.add("serve.limits.idle_timeout_seconds must be >= 1, got " + idleTimeoutSeconds);
                }
                if (maxConnectionsPerClient < 1 || maxConnections < maxConnectionsPerClient) {
                    out.add("serve.limits: need 1 <= max_connections_per_client (" + maxConnectionsPerClient
                            + ") <= max_connections (" + maxConnections + ")");
                }
                return out;
            }
        }

        /** What is wrong with a {@code serve.allowed_hosts} entry, or null: it must be a bare DNS name or IP. */
        public static String hostProblem(String h) {
            if (h == null || !h.matches("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
                return "'" + h + "' is not a host name (give a bare name such as host.docker.internal: no scheme,"
                        + " port, path or wildcard)";
            }
            return null;
        }
    }

    /**
     * {@code sam cycle}, the unattended loop: train when at least {@code minNewSamples} samples are new since
     * the last blessed run (or, with {@code trainOnCorrections}, on any new correction or preference pair),
     * on the new samples plus {@code replayRatio} times as many older ones drawn with {@code replaySeed};
     * deploy a blessed run as a canary at {@code canaryTraffic} percent and promote it once it served
     * {@code canaryMinRequests} healthy requests, or, without that much traffic, once it is older than
     * {@code canaryMaxAge} ("24h", "90m", "2d"; "never" keeps waiting).
     */
    public record Cycle(int minNewSamples, boolean trainOnCorrections, double replayRatio, long replaySeed,
                        int canaryTraffic, int canaryMinRequests, String canaryMaxAge) {
    }

    /**
     * {@code sam eval} (docs/user-guide.md, "Evaluation"): the size of the frozen benchmark slice, the
     * tolerance of the "no task metric worse than the active version" rule (absolute, on metrics in [0, 1]),
     * how many commit samples of the slice each model answers and with how many new tokens, the code suite
     * and the optional judge.
     */
    public record Eval(int sliceSize, double tolerance, int commitGenerations, int maxNewTokens, Code code,
                       Judge judge) {
        public static Eval defaults() {
            return new Eval(200, 0.05, 16, 96, new Code(20, 10, 256, "python3", null),
                    new Judge(null, null, null, 60, 16));
        }
    }

    /**
     * The code suite: how many tasks each model answers (0: none), the limits of one task's process, the
     * Python interpreter, and a suite file replacing the bundled one (null: bundled).
     */
    public record Code(int tasks, int timeoutSeconds, int memoryMb, String python, String suite) {
    }

    /**
     * An OpenAI-compatible chat endpoint judging candidate against active answers (null url: no judge):
     * base URL (…/v1), model name, the environment variable holding its API key (null: none), the timeout
     * of one request, and how many slice prompts it judges.
     */
    public record Judge(String url, String model, String apiKeyEnv, int timeoutSeconds, int prompts) {
        public boolean configured() {
            return url != null && !url.isBlank();
        }
    }

    public static SamConfig defaults() {
        Map<String, TrainingProfile> profiles = new LinkedHashMap<>();
        profiles.put("8gb", TrainingProfile.eightGb());
        profiles.put("full", TrainingProfile.full());
        profiles.put("tiny", TrainingProfile.tiny());
        return new SamConfig(
                new Training(100, "8gb", null, profiles, "none", "none"),
                new Rollback(0.15, 5000, 6.0, 300, 20, true),
                new Models(null),
                new Collect(List.of(), List.of(), List.of(), null, 2000, 0.3, 0.85, null, Map.of(),
                        Collect.DEFAULT_FIM_RATE),
                new Serve("127.0.0.1", 8765, 1 << 20, 512),
                new Cycle(50, false, 1.0, 42, 20, 20, "24h"),
                Eval.defaults());
    }

    /** The named profile, or a usage error listing the known ones. */
    public TrainingProfile profile(String name) {
        TrainingProfile p = training.profiles().get(name);
        if (p == null) {
            throw dev.sam.core.SamException.usage("unknown training profile '" + name + "'",
                    "use one of " + String.join(", ", training.profiles().keySet())
                            + " (or define it under training.profiles in config.yaml)");
        }
        return p;
    }

    /** The base model when nothing else names one: training.base_model, else the default profile's. */
    public String defaultBaseModel() {
        return training.baseModel() != null ? training.baseModel() : profile(training.defaultProfile()).baseModel();
    }

    /** Every value problem, each naming its key; empty when the config is usable. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (training.minSamples() < 0) {
            out.add("training.min_samples must be >= 0, got " + training.minSamples());
        }
        if (!Training.WEIGHTINGS.contains(training.weighting())) {
            out.add("training.weighting must be one of " + Training.WEIGHTINGS + ", got '" + training.weighting() + "'");
        }
        if (!Training.CURRICULA.contains(training.curriculum())) {
            out.add("training.curriculum must be one of " + Training.CURRICULA + ", got '" + training.curriculum() + "'");
        }
        if (!training.profiles().containsKey(training.defaultProfile())) {
            out.add("training.default_profile '" + training.defaultProfile() + "' is not one of "
                    + training.profiles().keySet());
        }
        training.profiles().forEach((name, p) -> out.addAll(p.problems("training.profiles." + name)));
        if (!(rollback.maxErrorRate() > 0 && rollback.maxErrorRate() <= 1)) {
            out.add("rollback.max_error_rate must be in (0, 1], got " + rollback.maxErrorRate());
        }
        if (!(rollback.maxMeanLatencyMs() > 0)) {
            out.add("rollback.max_mean_latency_ms must be > 0, got " + rollback.maxMeanLatencyMs());
        }
        if (!(rollback.maxMemoryGb() > 0)) {
            out.add("rollback.max_memory_gb must be > 0, got " + rollback.maxMemoryGb());
        }
        if (rollback.windowSeconds() <= 0) {
            out.add("rollback.window_seconds must be > 0, got " + rollback.windowSeconds());
        }
        if (rollback.minRequests() <= 0) {
            out.add("rollback.min_requests must be > 0, got " + rollback.minRequests());
        }
        if (collect.maxDiffLines() <= 0) {
            out.add("collect.max_diff_lines must be > 0, got " + collect.maxDiffLines());
        }
        if (!(collect.minQuality() >= 0 && collect.minQuality() <= 1)) {
            out.add("collect.min_quality must be in [0, 1], got " + collect.minQuality());
        }
        if (!(collect.nearDuplicateThreshold() > 0 && collect.nearDuplicateThreshold() <= 1)) {
            out.add("collect.near_duplicate_threshold must be in (0, 1], got " + collect.nearDuplicateThreshold());
        }
        if (!(collect.fimRate() >= 0 && collect.fimRate() <= 1)) {
            out.add("collect.fim_rate must be in [0, 1], got " + collect.fimRate());
        }
        if (collect.ticketPrefix() != null) {
            try {
                java.util.regex.Pattern.compile(collect.ticketPrefix());
            } catch (java.util.regex.PatternSyntaxException e) {
                out.add("collect.ticket_prefix is not a valid regular expression: " + e.getDescription());
            }
        }
        collect.mix().forEach((slice, share) -> {
            if (!slice.matches("[a-z]+(/[a-z]+)?")) {
                out.add("collect.mix." + slice + ": a slice is a source or source/kind, e.g. commits or code/test");
            }
            if (share == null || !(share > 0 && share <= 1)) {
                out.add("collect.mix." + slice + " must be in (0, 1], got " + share);
            }
        });
        if (collect.mix().values().stream().filter(v -> v != null).mapToDouble(Double::doubleValue).sum() > 1.0001) {
            out.add("collect.mix: the shares add up to more than 1");
        }
        if (serve.port() < 0 || serve.port() > 65535) {
            out.add("serve.port must be in [0, 65535], got " + serve.port());
        }
        if (serve.maxBodyBytes() <= 0) {
            out.add("serve.max_body_bytes must be > 0, got " + serve.maxBodyBytes());
        }
        for (String h : serve.allowedHosts()) {
            if (Serve.hostProblem(h) != null) {
                out.add("serve.allowed_hosts: " + Serve.hostProblem(h));
            }
        }
        if (serve.maxTokens() <= 0) {
            out.add("serve.max_tokens must be > 0, got " + serve.maxTokens());
        }
        out.addAll(serve.limits().problems());
        out.addAll(cycleProblems());
        out.addAll(evalProblems());
        return out;
    }

    private List<String> evalProblems() {
        List<String> out = new ArrayList<>();
        if (eval.sliceSize() < 1) {
            out.add("eval.slice_size must be >= 1, got " + eval.sliceSize());
        }
        if (!(eval.tolerance() >= 0 && eval.tolerance() < 1)) {
            out.add("eval.tolerance must be in [0, 1), got " + eval.tolerance());
        }
        if (eval.commitGenerations() < 0) {
            out.add("eval.commit_generations must be >= 0, got " + eval.commitGenerations());
        }
        if (eval.maxNewTokens() < 1) {
            out.add("eval.max_new_tokens must be >= 1, got " + eval.maxNewTokens());
        }
        if (eval.code().tasks() < 0) {
            out.add("eval.code.tasks must be >= 0, got " + eval.code().tasks());
        }
        if (eval.code().timeoutSeconds() < 1) {
            out.add("eval.code.timeout_seconds must be >= 1, got " + eval.code().timeoutSeconds());
        }
        if (eval.code().memoryMb() < 64) {
            out.add("eval.code.memory_mb must be >= 64, got " + eval.code().memoryMb());
        }
        if (eval.code().python() == null || eval.code().python().isBlank()) {
            out.add("eval.code.python must name a Python interpreter");
        }
        Judge j = eval.judge();
        if (j.configured() && !(j.url().startsWith("http://") || j.url().startsWith("https://"))) {
            out.add("eval.judge.url must be an http:// or https:// URL, got '" + j.url() + "'");
        }
        if (j.configured() && (j.model() == null || j.model().isBlank())) {
            out.add("eval.judge.model must name the judge's model when eval.judge.url is set");
        }
        if (j.timeoutSeconds() < 1) {
            out.add("eval.judge.timeout_seconds must be >= 1, got " + j.timeoutSeconds());
        }
        if (j.prompts() < 1) {
            out.add("eval.judge.prompts must be >= 1, got " + j.prompts());
        }
        return out;
    }

    private List<String> cycleProblems() {
        List<String> out = new ArrayList<>();
        if (cycle.minNewSamples() < 1) {
            out.add("cycle.min_new_samples must be >= 1, got " + cycle.minNewSamples());
        }
        if (!(cycle.replayRatio() >= 0 && cycle.replayRatio() <= 100)) {
            out.add("cycle.replay_ratio must be in [0, 100] (old samples per new one), got " + cycle.replayRatio());
        }
        if (cycle.canaryTraffic() < 1 || cycle.canaryTraffic() > 99) {
            out.add("cycle.canary_traffic must be in [1, 99] (percent of requests), got " + cycle.canaryTraffic());
        }
        if (cycle.canaryMinRequests() < 1) {
            out.add("cycle.canary_min_requests must be >= 1, got " + cycle.canaryMinRequests());
        }
        if (Durations.problem(cycle.canaryMaxAge()) != null) {
            out.add("cycle.canary_max_age " + Durations.problem(cycle.canaryMaxAge()));
        }
        return out;
    }
}
