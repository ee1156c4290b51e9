package dev.sam.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the numbers were measured on: CPU model and flags, cores, caches, memory, OS, JVM, load, and the
 * environment variables that change kernel choice or threading. Linux /proc files; fields are absent
 * where they cannot be read.
 *
 * <pre>Map&lt;String, Object&gt; m = MachineInfo.collect();</pre>
 */
public final class MachineInfo {
    /** Environment variables that select kernels or threads. */
    static final List<String> ENV = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
            "OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "SAM_BLAS_LIB", "SAM_THREADS", "SAM_NATIVE_LIB",
            "SAM_ISA", "MKL_NUM_THREADS", "MKL_ENABLE_INSTRUCTIONS");

    /** CPU flags the kernels care about. */
    static final List<String> KEY_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw",
            "avx512vl", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_bf16", "amx_tile");

    private MachineInfo() {
    }

    public static Map<String, Object> collect() {
        Map<String, Object> m = new LinkedHashMap<>();
        String cpuinfo = read("/proc/cpuinfo");
        m.put("cpu_model", field(cpuinfo, "model name"));
        m.put("cpu_mhz", field(cpuinfo, "cpu MHz"));
        String flags = field(cpuinfo, "flags");
        List<String> all = flags == null ? List.of() : Arrays.asList(flags.split("\\s+"));
        m.put("cpu_key_flags", KEY_FLAGS.stream().filter(all::contains).toList());
        m.put("cpu_flags", flags);
        m.put("cores_available", Runtime.getRuntime().availableProcessors());
        m.put("caches", caches());
        m.put("mem_total", field(read("/proc/meminfo"), "MemTotal"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("hypervisor", all.contains("hypervisor"));
        m.put("loadavg", loadAverage());
        Map<String, String> env = new TreeMap<>();
        for (String k : ENV) {
            String v = System.getenv(k);
            env.put(k, v == null ? "(unset)" : v);
        }
        m.put("env", env);
        return m;
    }

    /** {@code git rev-parse HEAD} of the working directory (the SAM checkout the bench runs in), or "?". */
    public static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** The first three fields of /proc/loadavg ("1.02 0.87 0.66"), or "?". */
    public static String loadAverage() {
        String s = read("/proc/loadavg");
        if (s == null) {
            return "?";
        }
        String[] f = s.trim().split("\\s+");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "?";
    }

    /** 1-minute load average, or -1. */
    public static double load1() {
        try {
            return Double.parseDouble(loadAverage().split(" ")[0]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** CPU time of this process (all threads) in nanoseconds, or -1 where the JVM cannot tell. */
    public static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    /**
     * This process' peak resident set in bytes, or -1: VmHWM of /proc/self/status on Linux; on macOS, which
     * has no /proc, ru_maxrss of getrusage(RUSAGE_SELF) (bytes there; kilobytes on Linux).
     */
    public static long peakRssBytes() {
        String s = read("/proc/self/status");
        String v = s == null ? null : field(s, "VmHWM");
        if (v != null) {
            return Long.parseLong(v.replace("kB", "").trim()) * 1024;
        }
        return System.getProperty("os.name", "").startsWith("Mac") ? maxRssOfGetrusage() : -1;
    }

    /** getrusage through JNA; struct rusage on LP64: two struct timeval (16 bytes each), then long ru_maxrss. */
    interface LibC extends com.sun.jna.Library {
        int getrusage(int who, com.sun.jna.Pointer usage);
    }

    static final int RUSAGE_BYTES = 144;
    static final int RU_MAXRSS_OFFSET = 32;

    /** ru_maxrss of this process as the OS reports it (bytes on macOS, KiB on Linux), or -1. */
    static long maxRssOfGetrusage() {
        try {
            com.sun.jna.Memory ru = new com.sun.jna.Memory(RUSAGE_BYTES);
            if (com.sun.jna.Native.load("c", LibC.class).getrusage(0 /* RUSAGE_SELF */, ru) != 0) {
                return -1;
            }
            return ru.getLong(RU_MAXRSS_OFFSET);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return -1;
        }
    }

    /** This process' current resident set (VmRSS) in bytes, or -1. */
    public static long rssBytes() {
        String s = read("/proc/self/status");
        String v = s == null ? null : field(s, "VmRSS");
        return v == null ? -1 : Long.parseLong(v.replace("kB", "").trim()) * 1024;
    }

    private static Map<String, String> caches() {
        Map<String, String> m = new LinkedHashMap<>();
        Path base = Path.of("/sys/devices/system/cpu/cpu0/cache");
        for (int i = 0; i < 8; i++) {
            Path d = base.resolve("index" + i);
            String level = read(d.resolve("level").toString());
            if (level == null) {
                break;
            }
            String type = read(d.resolve("type").toString());
            String size = read(d.resolve("size").toString());
            m.put("L" + level.trim() + (type == null ? "" : " " + type.trim()), size == null ? "?" : size.trim());
        }
        return m;
    }

    static String field(String text, String key) {
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n")) {
            int c = line.indexOf(':');
            if (c > 0 && line.substring(0, c).trim().equals(key)) {
                return line.substring(c + 1).trim();
            }
        }
        return null;
    }

    static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
