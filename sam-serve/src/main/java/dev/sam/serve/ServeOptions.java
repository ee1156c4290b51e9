package dev.sam.serve;

import dev.sam.core.config.SamConfig;
import dev.sam.serve.chat.ChatBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to run the server. Defaults come from {@code serve.*} in config.yaml; the CLI's flags override.
 *
 * @param samCommand    the command that runs {@code sam} for POST /api/train (empty: training cannot be
 *                      started through the API); see {@link #currentJvm}
 * @param env           environment (for the test-only fault injection variables)
 * @param backend       the inference backend; null = sam-train's engine
 * @param monitorMillis period of the auto-rollback check
 * @param graceMillis   how long a shutdown waits for requests in flight
 * @param threads       request threads (each connection has at most one request in flight, so requests
 *                      waiting for a thread are bounded by serve.limits.max_connections)
 * @param allowedHosts  extra Host names accepted besides loopback (serve.allowed_hosts plus --allow-host)
 */
public record ServeOptions(String host, int port, boolean allowRemote, List<String> samCommand, Map<String, String> env,
                           ChatBackend backend, long monitorMillis, long graceMillis, int threads,
                           long trainWaitMillis, List<String> allowedHosts) {

    public ServeOptions {
        samCommand = List.copyOf(samCommand);
        env = Map.copyOf(env);
        allowedHosts = List.copyOf(allowedHosts);
    }

    public static ServeOptions of(SamConfig config) {
        return new ServeOptions(config.serve().host(), config.serve().port(), false, List.of(), Map.of(), null, 2000,
                30_000, 16, 5000, config.serve().allowedHosts());
    }

    public ServeOptions withHost(String h) {
        return new ServeOptions(h, port, allowRemote, samCommand, env, backend, monitorMillis, graceMillis, threads,
                trainWaitMillis, allowedHosts);
    }

    public ServeOptions withPort(int p) {
        return new ServeOptions(host, p, allowRemote, samCommand, env, backend, monitorMillis, graceMillis, threads,
                trainWaitMillis, allowedHosts);
    }

    public ServeOptions withAllowRemote(boolean a) {
        return new ServeOptions(host, port, a, samCommand, env, backend, monitorMillis, graceMillis, threads,
                trainWaitMillis, allowedHosts);
    }

    public ServeOptions withSamCommand(List<String> c) {
        return new ServeOptions(host, port, allowRemote, c, env, backend, monitorMillis, graceMillis, threads,
                trainWaitMillis, allowedHosts);
    }

    public ServeOptions withEnv(Map<String, String> e) {
        return new ServeOptions(host, port, allowRemote, samCommand, e, backend, monitorMillis, graceMillis, threads,
                trainWaitMillis, allowedHosts);
    }

    public ServeOptions withBackend(ChatBackend b) {
        return new ServeOptions(host, port, allowRemote, samCommand, env, b, monitorMillis, graceMillis, threads,
                trainWaitMillis, allowedHosts);
    }

    public ServeOptions withMonitorMillis(long m) {
        return new ServeOptions(host, port, allowRemote, samCommand, env, backend, m, graceMillis, threads,
                trainWaitMillis, allowedHosts);
    }

    public ServeOptions withGraceMillis(long g) {
        return new ServeOptions(host, port, allowRemote, samCommand, env, backend, monitorMillis, g, threads,
                trainWaitMillis, allowedHosts);
    }

    /** These names accepted in the Host header too, after the configured ones. */
    public ServeOptions withAllowedHosts(List<String> more) {
        List<String> all = new java.util.ArrayList<>(allowedHosts);
        more.stream().filter(h -> !all.contains(h)).forEach(all::add);
        return new ServeOptions(host, port, allowRemote, samCommand, env, backend, monitorMillis, graceMillis, threads,
                trainWaitMillis, all);
    }

    /** The command that starts {@code mainClass} in a new JVM like this one: same java binary and classpath. */
    public static List<String> currentJvm(String mainClass) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return List.of(java.toString(), "-cp", System.getProperty("java.class.path"), mainClass);
    }
}
