package dev.sam.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The generation peer: llama.cpp through npm {@code node-llama-cpp}'s prebuilt CPU binaries (the packages
 * pinned in {@code .ci/llama-cpp/}, installed by {@code bench/train.sh} or {@code .ci/llama-cpp.sh}), driven
 * by the resource {@code bench/llama-gen.mjs}: one node process per measurement, like SAM's child JVMs.
 *
 * <pre>LlamaPeer p = LlamaPeer.locate(Path.of(".ci/llama-cpp/node_modules"), logs); ObjectNode r = p.run("llama-0", gguf, ids, 128, 2);</pre>
 */
public final class LlamaPeer {
    private final Path modules;
    private final Path logDir;
    private final String missing;

    private LlamaPeer(Path modules, Path logDir, String missing) {
        this.modules = modules;
        this.logDir = logDir;
        this.missing = missing;
    }

    /** The peer at {@code modules}; {@link #missing()} says why it cannot run (else null). */
    public static LlamaPeer locate(Path modules, Path logDir) {
        String why = null;
        if (!Files.isDirectory(modules.resolve("node-llama-cpp"))) {
            why = modules + " has no node-llama-cpp (install it: (cd .ci/llama-cpp && npm install --no-save "
                    + "--omit=optional --ignore-scripts), needs node and npm)";
        } else if (!nodeRuns()) {
            why = "node is not on the PATH";
        }
        return new LlamaPeer(modules.toAbsolutePath(), logDir, why);
    }

    public String missing() {
        return missing;
    }

    /** Prefill of {@code prompt} and greedy decode of {@code fresh} tokens on {@code threads} threads. */
    public ObjectNode run(String name, Path gguf, int[] prompt, int fresh, int threads) {
        try {
            Files.createDirectories(logDir);
            Path script = logDir.resolve("llama-gen.mjs");
            try (InputStream in = LlamaPeer.class.getResourceAsStream("/bench/llama-gen.mjs")) {
                Files.write(script, in.readAllBytes());
            }
            Map<String, Object> req = new LinkedHashMap<>();
            req.put("gguf", gguf.toAbsolutePath().toString());
            req.put("prompt", prompt);
            req.put("new", fresh);
            req.put("threads", threads);
            Path reqFile = logDir.resolve(name + ".request.json");
            Files.writeString(reqFile, Json.write(req));
            Path out = logDir.resolve(name + ".out");
            Path err = logDir.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder("node", script.toString(), reqFile.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("SAM_NODE_MODULES", modules.toString());
            String before = MachineInfo.loadAverage();
            long t0 = System.nanoTime();
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(name + " (llama.cpp) did not finish within 20 minutes");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(name + " (llama.cpp) failed (exit " + p.exitValue() + "): "
                        + tail(Files.readString(err, StandardCharsets.UTF_8)) + "\n(full log: " + err + ")");
            }
            JsonNode r = Json.mapper().readTree(Files.readString(out, StandardCharsets.UTF_8));
            ObjectNode o = (ObjectNode) r;
            o.put("wall_s", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
            o.put("loadavg_before", before);
            o.put("loadavg_after", MachineInfo.loadAverage());
            return o;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + name + " (llama.cpp): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name, e);
        }
    }

    private static String tail(String s) {
        List<String> lines = s.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    private static boolean nodeRuns() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
