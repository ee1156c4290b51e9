package dev.sam.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table names the other platforms' backends it could not measure (Accelerate on macOS, NEON on arm64). */
class BenchTablePlatformTest {
    private static ObjectNode gemm(String backend) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("backend", backend);
        return n;
    }

    @Test
    void x86MachineMeasuresNeitherAccelerateNorNeon() {
        Map<String, ObjectNode> g = new LinkedHashMap<>();
        g.put("builtin", gemm("builtin (avx2) 2 threads"));
        g.put("openblas", gemm("OpenBLAS 0.3.31 (core Haswell) 2 threads (SAM slices)"));
        assertEquals(List.of("accelerate", "builtin-neon"), BenchTable.platformBackendsNotMeasured(List.copyOf(g.keySet()), g));
    }

    @Test
    void macMeasuresBoth() {
        Map<String, ObjectNode> g = new LinkedHashMap<>();
        g.put("builtin", gemm("builtin (neon) 8 threads"));
        g.put("accelerate", gemm("accelerate (cblas_sgemm, Apple AMX/NEON, its own threads; 8 threads for SAM's loops)"));
        assertEquals(List.of(), BenchTable.platformBackendsNotMeasured(List.copyOf(g.keySet()), g));
        assertEquals("accelerate", TrainBench.backendOf(g.get("accelerate").path("backend").asText()));
        assertEquals("builtin", TrainBench.backendOf("builtin (neon) 8 threads"));
    }
}
