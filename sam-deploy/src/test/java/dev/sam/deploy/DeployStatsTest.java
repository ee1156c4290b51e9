package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.store.RequestMetricsRepository;
import java.nio.file.Files;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `sam stats` and `sam list/current`: counts, events, per-version request metrics, pointer warnings. */
class DeployStatsTest extends WithDeployFixture {
    private void request(String version, boolean ok, double latency, long time) throws Exception {
        try (PreparedStatement ps = f.db.connection().prepareStatement("INSERT INTO request_metrics(time_ms, version,"
                + " endpoint, ok, latency_ms, rss_bytes, tokens) VALUES (?,?,?,?,?,?,?)")) {
            ps.setLong(1, time);
            ps.setString(2, version);
            ps.setString(3, "/v1/chat/completions");
            ps.setInt(4, ok ? 1 : 0);
            ps.setDouble(5, latency);
            ps.setLong(6, 1_000_000L + time);
            ps.setInt(7, 10);
            ps.executeUpdate();
        }
    }

    @Test
    void statsCountVersionsEventsAndRequests() throws Exception {
        DeployStats.Report empty = new DeployStats(f.ctx).report();
        assertEquals(0, empty.totalVersions());
        assertEquals(List.of(), empty.requests());
        assertNull(empty.activeVersion());

        f.deploy();
        f.deploy();
        new Rollback(f.ctx).toPrevious("slow");
        for (int i = 1; i <= 20; i++) {
            request("v1.0.1", i % 5 != 0, i * 10, i);
        }
        request("v1.0.0", true, 42, 100);
        DeployStats.Report r = new DeployStats(f.ctx).report();
        assertEquals(2, r.totalVersions());
        assertEquals("v1.0.0", r.activeVersion());
        assertEquals(1, r.byStatus().get("active"));
        assertEquals(1, r.byStatus().get("rolled_back"));
        assertEquals(2L, r.events().get("deploy"));
        assertEquals(1L, r.events().get("rollback"));
        assertEquals("rollback", r.recentEvents().get(0).kind());
        RequestMetricsRepository.PerVersion v1 = r.requests().get(1);
        assertEquals("v1.0.1", v1.version());
        assertEquals(20, v1.requests());
        assertEquals(4, v1.errors());
        assertEquals(0.2, v1.errorRate(), 1e-9);
        assertEquals(105.0, v1.meanLatencyMs(), 1e-9);
        assertEquals(100.0, v1.p50LatencyMs(), 1e-9, "nearest rank: 10th of 20");
        assertEquals(190.0, v1.p95LatencyMs(), 1e-9, "nearest rank: 19th of 20");
        assertEquals(1_000_020L, v1.peakRssBytes());
        assertEquals(1, new RequestMetricsRepository(f.db).perVersion(100).size(), "a window keeps recent requests only");
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
    }

    @Test
    void listAndCurrentWarnWhenPointersDisagree() throws Exception {
        f.deploy();
        f.deploy();
        StoreView.Listing l = new StoreView(f.ctx).list();
        assertEquals(List.of("v1.0.1", "v1.0.0"), l.versions().stream().map(v -> v.version()).toList());
        assertEquals("v1.0.1", l.active());
        Files.writeString(f.home.currentTxt(), "v1.0.0\n");
        StoreView.Current c = new StoreView(f.ctx).current();
        assertEquals("v1.0.1", c.version(), "versions.json, the commit point, decides");
        assertTrue(c.warnings().get(0).contains("current.txt names v1.0.0 but versions.json has v1.0.1 active; run "
                + "`sam verify --repair`"), c.warnings().toString());
    }
}
