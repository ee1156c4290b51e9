package dev.sam.serve;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A bounded load generator for tests and bench/serve.sh: {@code clients} threads each send
 * {@code requests} requests one after another (each client its own HttpClient and keep-alive
 * connection) and record every latency; errors are non-2xx answers and I/O failures.
 */
final class LoadRunner {
    private LoadRunner() {
    }

    /** Latency percentiles by nearest rank, in milliseconds. */
    record Result(int clients, int requestsPerClient, long total, long errors, double seconds, double p50Ms,
                  double p90Ms, double p99Ms, double maxMs, String firstError) {
        double requestsPerSecond() {
            return total / seconds;
        }
    }

    static Result run(int clients, int requests, Supplier<HttpRequest> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<double[]>> futures = new ArrayList<>();
        String[] firstError = new String[1];
        long[] errors = new long[1];
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                double[] lat = new double[requests];
                for (int i = 0; i < requests; i++) {
                    long s = System.nanoTime();
                    String err = null;
                    try {
                        HttpResponse<String> r = http.send(request.get(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() / 100 != 2) {
                            err = r.statusCode() + " " + r.body();
                        }
                    } catch (java.io.IOException e) {
                        err = e.toString();
                    }
                    lat[i] = (System.nanoTime() - s) / 1e6;
                    if (err != null) {
                        synchronized (errors) {
                            errors[0]++;
                            if (firstError[0] == null) {
                                firstError[0] = err;
                            }
                        }
                    }
                }
                return lat;
            }));
        }
        double[] all = new double[clients * requests];
        int k = 0;
        for (Future<double[]> f : futures) {
            for (double v : f.get(10, TimeUnit.MINUTES)) {
                all[k++] = v;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        Arrays.sort(all);
        return new Result(clients, requests, all.length, errors[0], seconds, rank(all, 0.50), rank(all, 0.90),
                rank(all, 0.99), all[all.length - 1], firstError[0]);
    }

    private static double rank(double[] sorted, double q) {
        return sorted[(int) Math.max(0, Math.ceil(q * sorted.length) - 1)];
    }

    static Supplier<HttpRequest> get(int port, String path) {
        URI u = URI.create("http://127.0.0.1:" + port + path);
        return () -> HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(30)).GET().build();
    }
}
