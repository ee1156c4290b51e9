package dev.sam.quickstart;

import dev.sam.core.SamException;
import dev.sam.deploy.DeployStats;
import dev.sam.deploy.StoreVerifier;
import dev.sam.deploy.VerifyReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Step 15 ({@code sam stats}, {@code sam verify}): stops the server (unless --keep-serving), so that every
 * request metric is written, then reads the per-version request metrics and checks the version store:
 * every checksum, and versions.json, current.txt, the active symlink and sam.db in agreement.
 */
final class FinishStep implements Step {
    @Override
    public String name() {
        return "stats and verify (sam stats, sam verify)";
    }

    @Override
    public String remedy() {
        return "`sam --sam-home DIR verify --repair` restores agreement and says what it did";
    }

    @Override
    public Outcome run(QuickstartContext ctx) throws Exception {
        if (ctx.request.keepServing()) {
            if (ctx.server != null) {
                ctx.server.flushMetrics();
            }
        } else {
            ctx.stopServer(false);
        }
        DeployStats.Report stats = new DeployStats(ctx.deployContext()).report();
        VerifyReport v = new StoreVerifier(ctx.deployContext()).verify(false);
        if (!v.consistent()) {
            throw SamException.failure("the version store is not consistent: " + v.findings().stream()
                    .map(VerifyReport.Finding::message).collect(Collectors.joining("; ")), remedy());
        }
        ctx.artefact("sam.db", ctx.home.database());
        ctx.artefact("logs", ctx.home.logsDir());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("stats", stats);
        d.put("verify", v);
        String requests = stats.requests().stream().filter(r -> r.version().startsWith("v"))
                .map(r -> r.version() + " " + r.requests() + " (" + r.errors() + " errors)")
                .collect(Collectors.joining(", "));
        return new Outcome(v.versions() + " versions, all " + v.versionsVerified() + " intact, store consistent; "
                + "active " + stats.activeVersion() + "; requests recorded: " + (requests.isEmpty() ? "none" : requests),
                d);
    }
}
