package dev.sam.serve.chat;

import dev.sam.core.SamException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * <b>For tests only</b>: makes one version slow or failing so that the auto-rollback loop can be
 * tested end to end with a real server and a real model. Enabled only by environment variables, which
 * nobody sets in normal use; when they are set, sam serve says so at start and in /api/self:
 * <ul>
 * <li>{@code SAM_SERVE_FAULT_VERSION} — the version to hurt (e.g. v1.0.1), or {@code *} for all;</li>
 * <li>{@code SAM_SERVE_FAULT_ERROR_RATE} — share of its requests that fail, 0..1 (deterministic: of
 *     every 100 requests exactly that many fail, spread evenly);</li>
 * <li>{@code SAM_SERVE_FAULT_LATENCY_MS} — delay added to each of its requests.</li>
 * </ul>
 *
 * <pre>ChatBackend b = FaultInjectingBackend.Settings.fromEnv(env).map(s -> (ChatBackend) new FaultInjectingBackend(real, s)).orElse(real);</pre>
 */
public final class FaultInjectingBackend implements ChatBackend {
    public static final String ENV_VERSION = "SAM_SERVE_FAULT_VERSION";
    public static final String ENV_ERROR_RATE = "SAM_SERVE_FAULT_ERROR_RATE";
    public static final String ENV_LATENCY_MS = "SAM_SERVE_FAULT_LATENCY_MS";

    private final ChatBackend delegate;
    private final Settings settings;
    private final AtomicLong counter = new AtomicLong();

    public FaultInjectingBackend(ChatBackend delegate, Settings settings) {
        this.delegate = delegate;
        this.settings = settings;
    }

    /** What to inject, into which version. */
    public record Settings(String version, double errorRate, long latencyMs) {

        /** Empty unless {@value #ENV_VERSION} is set; malformed values are a usage error. */
        public static Optional<Settings> fromEnv(Map<String, String> env) {
            String v = env.get(ENV_VERSION);
            if (v == null || v.isBlank()) {
                return Optional.empty();
            }
            double rate = parse(env, ENV_ERROR_RATE, 0);
            double latency = parse(env, ENV_LATENCY_MS, 0);
            if (rate < 0 || rate > 1 || latency < 0) {
                throw SamException.usage(ENV_ERROR_RATE + " must be in [0, 1] and " + ENV_LATENCY_MS + " >= 0", null);
            }
            return Optional.of(new Settings(v.trim(), rate, (long) latency));
        }

        private static double parse(Map<String, String> env, String key, double dflt) {
            String s = env.get(key);
            if (s == null || s.isBlank()) {
                return dflt;
            }
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw SamException.usage(key + " must be a number, got '" + s + "'", null);
            }
        }

        public boolean hits(String version) {
            return this.version.equals("*") || this.version.equals(version);
        }
    }

    @Override
    public Completion generate(Generation request, TextSink sink) throws Exception {
        if (!settings.hits(request.version())) {
            return delegate.generate(request, sink);
        }
        long n = counter.getAndIncrement();
        long per100 = Math.round(settings.errorRate() * 100);
        if ((n + 1) * per100 / 100 > n * per100 / 100) {
            throw new IllegalStateException("injected fault (" + ENV_ERROR_RATE + "=" + settings.errorRate()
                    + " for " + settings.version() + ")");
        }
        return settings.latencyMs() > 0 ? delegate.generate(request, new Slowed(sink, settings.latencyMs()))
                : delegate.generate(request, sink);
    }

    /**
     * The injected latency, spent once the generation started (after any wait for a slot) and before its first
     * text: a slow version, as the auto-rollback policy measures it, not a busy server.
     */
    private static final class Slowed implements TextSink {
        private final TextSink sink;
        private final long millis;
        private boolean slept;

        Slowed(TextSink sink, long millis) {
            this.sink = sink;
            this.millis = millis;
        }

        @Override
        public void started() {
            sink.started();
            sleep();
        }

        @Override
        public boolean accept(String delta) throws java.io.IOException {
            sleep();
            return sink.accept(delta);
        }

        private void sleep() {
            if (!slept) {
                slept = true;
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public String describe() {
        return delegate.describe() + " WITH TEST FAULT INJECTION " + settings;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
