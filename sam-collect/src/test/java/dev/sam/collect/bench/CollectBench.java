package dev.sam.collect.bench;

import dev.sam.core.json.Json;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/collect.sh}: the speed of {@code sam collect} on a real repository, this checkout against a
 * base build (by default main), both in one run and interleaved (base, this, base, this, …) so that the
 * load of a shared machine falls on both alike. Each run is a fresh JVM collecting commits, then code and
 * docs, into a new home ({@link CollectBenchChild}). Prints a table of medians and writes
 * {@code <out>/<date>-collect.json} with every run, the CPU model and flags, and the load average before
 * and after.
 *
 * <p>Each side's child JVM gets the options that side's launcher gives {@code sam collect}: the
 * {@code collect:} line of its {@code jvm.options} (none where the file is absent).
 *
 * <p>Arguments: out-dir repo base-classpath base-ref [rounds [base-jvm.options this-jvm.options]].
 */
public final class CollectBench {
    private static final List<String> KEY_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "sha_ni");

    private CollectBench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String repo = Path.of(args[1]).toAbsolutePath().toString();
        String baseCp = args[2];
        String baseRef = args[3];
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        Map<String, List<String>> options = new LinkedHashMap<>();
        options.put("base", args.length > 5 ? collectOptions(Path.of(args[5])) : List.of());
        options.put("this", args.length > 6 ? collectOptions(Path.of(args[6])) : List.of());
        String ownCp = System.getProperty("java.class.path");
        // the base side: its sam-core and sam-collect classes first, then everything else of ours (the child
        // class and third-party jars); our own main classes are left out
        String otherCp = String.join(File.pathSeparator, Arrays.stream(ownCp.split(File.pathSeparator))
                .filter(e -> !e.replace('\\', '/').matches(".*/sam-(core|collect)/target/classes/?")).toList());
        Map<String, String> sides = new LinkedHashMap<>();
        sides.put("base", baseCp + File.pathSeparator + otherCp);
        sides.put("this", ownCp);
        String loadBefore = loadAverage();
        List<Map<String, Object>> runs = new ArrayList<>();
        run(sides.get("this"), options.get("this"), repo); // warm the page cache and the JDK's CDS archive; not counted
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, String> side : sides.entrySet()) {
                String load = loadAverage();
                Map<String, Object> m = run(side.getValue(), options.get(side.getKey()), repo);
                m.put("side", side.getKey());
                m.put("round", r);
                m.put("load_at_start", load);
                runs.add(m);
                System.err.printf("round %d %-4s %s%n", r, side.getKey(), m);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bench", "collect");
        result.put("date", OffsetDateTime.now().toString());
        result.put("repository", repo);
        result.put("repository_head", git(repo, "rev-parse", "HEAD"));
        result.put("base_ref", baseRef);
        result.put("jvm_options", options);
        result.put("machine", machine());
        result.put("load_before", loadBefore);
        result.put("load_after", loadAverage());
        Map<String, Object> medians = new LinkedHashMap<>();
        for (String side : sides.keySet()) {
            medians.put(side, medians(runs, side));
        }
        result.put("medians", medians);
        result.put("runs", runs);
        System.out.println(table(medians, result));
        Files.createDirectories(out);
        Path file = out.resolve(LocalDate.now() + "-collect.json");
        for (int n = 2; Files.exists(file); n++) { // never overwrite a result of the same day
            file = out.resolve(LocalDate.now() + "-collect-" + n + ".json");
        }
        Files.writeString(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
        System.out.println("wrote " + file);
    }

    /** The options of the {@code collect:} line of a launcher's jvm.options (see the file), none if absent. */
    static List<String> collectOptions(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().filter(l -> l.startsWith("collect:")).findFirst()
                .map(l -> Arrays.stream(l.substring("collect:".length()).trim().split("\\s+")).filter(w -> !w.isEmpty())
                        .toList())
                .orElse(List.of());
    }

    private static Map<String, Object> run(String classpath, List<String> jvmOptions, String repo)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classpath, CollectBenchChild.class.getName(), repo));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("a bench run failed: " + text);
        }
        String line = text.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> m = Json.mapper().readValue(line, LinkedHashMap.class);
        return m;
    }

    private static Map<String, Object> medians(List<Map<String, Object>> runs, String side) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Map<String, Object>> mine = runs.stream().filter(r -> side.equals(r.get("side"))).toList();
        double commits = ((Number) mine.get(0).get("commits")).doubleValue();
        for (String k : List.of("commits_seconds", "total_seconds", "commits_cpu_seconds", "total_cpu_seconds")) {
            m.put(k, median(mine.stream().mapToDouble(r -> ((Number) r.get(k)).doubleValue()).toArray()));
        }
        m.put("commits", (long) commits);
        m.put("samples", mine.get(0).get("samples"));
        m.put("commits_per_second_total", commits / (double) m.get("total_seconds"));
        m.put("commits_per_second_commit_source", commits / (double) m.get("commits_seconds"));
        m.put("commits_per_cpu_second_total", commits / (double) m.get("total_cpu_seconds"));
        return m;
    }

    private static String table(Map<String, Object> medians, Map<String, Object> result) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("sam collect (commits, code, docs) on %s, medians of interleaved runs%n",
                result.get("repository")));
        sb.append(String.format("%-5s %8s %8s %12s %12s %14s %10s %12s%n", "side", "commits", "samples", "total s",
                "commits/s", "commit src s", "CPU s", "commits/CPU-s"));
        for (Map.Entry<String, Object> e : medians.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) e.getValue();
            sb.append(String.format(java.util.Locale.ROOT, "%-5s %8d %8s %12.2f %12.0f %14.2f %10.2f %12.0f%n", e.getKey(),
                    (long) m.get("commits"), m.get("samples"), (double) m.get("total_seconds"),
                    (double) m.get("commits_per_second_total"), (double) m.get("commits_seconds"),
                    (double) m.get("total_cpu_seconds"), (double) m.get("commits_per_cpu_second_total")));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) result.get("machine");
        sb.append(String.format("JVM options %s%n", result.get("jvm_options")));
        sb.append(String.format("CPU %s, %s cores, flags %s; load before %s, after %s", machine.get("cpu_model"),
                machine.get("cores"), machine.get("cpu_key_flags"), result.get("load_before"), result.get("load_after")));
        return sb.toString();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        String cpuinfo = read("/proc/cpuinfo");
        m.put("cpu_model", field(cpuinfo, "model name"));
        String flags = field(cpuinfo, "flags");
        List<String> all = flags == null ? List.of() : Arrays.asList(flags.split("\\s+"));
        m.put("cpu_key_flags", KEY_FLAGS.stream().filter(all::contains).toList());
        m.put("cpu_flags", flags);
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("mem_total", field(read("/proc/meminfo"), "MemTotal"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return m;
    }

    private static String loadAverage() {
        String s = read("/proc/loadavg");
        return s == null ? "?" : String.join(" ", Arrays.asList(s.trim().split("\\s+")).subList(0, 3));
    }

    private static String field(String text, String key) {
        if (text == null) {
            return null;
        }
        return text.lines().filter(l -> l.indexOf(':') > 0 && l.substring(0, l.indexOf(':')).trim().equals(key))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String git(String repo, String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git", "--git-dir", gitDir(repo)));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? s : "?";
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    private static String gitDir(String repo) {
        return Files.isDirectory(Path.of(repo, ".git")) ? Path.of(repo, ".git").toString() : repo;
    }
}
