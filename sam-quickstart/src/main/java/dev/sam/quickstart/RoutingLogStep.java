package dev.sam.quickstart;

import dev.sam.collect.CollectReport;
import dev.sam.collect.CollectRequest;
import dev.sam.collect.CollectService;
import dev.sam.collect.Source;
import dev.sam.collect.SourceReport;
import dev.sam.core.io.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Steps 5 and 9 ({@code sam collect --source routing}): the bundled task-routing log. Part 1 is the log
 * as it stands before the first run; part 2 is appended before the second run, as new activity, and
 * collection picks up only the new lines (routing logs are read from where the last collection stopped).
 */
final class RoutingLogStep implements Step {
    private final int part;

    RoutingLogStep(int part) {
        this.part = part;
    }

    @Override
    public String name() {
        return part == 1 ? "collect the routing log (sam collect)" : "collect new routing activity";
    }

    @Override
    public String remedy() {
        return "check free disk space in the quickstart directory, or start over with a new --dir";
    }

    @Override
    public Outcome run(QuickstartContext ctx) throws Exception {
        Path log = ctx.request.dir().resolve("inputs").resolve("routing.jsonl");
        String first = BundledData.text(BundledData.ROUTING_1);
        String both = first + BundledData.text(BundledData.ROUTING_2);
        String now = Files.isRegularFile(log) ? Files.readString(log) : "";
        String wanted = part == 1 ? first : both;
        boolean grew = !now.startsWith(wanted);
        if (grew) {
            // rewrite as a longer log with the same beginning: the collect cursor stays valid
            AtomicFiles.writeString(log, wanted);
        }
        CollectReport r = new CollectService(ctx.home, ctx.config, ctx.db).collect(new CollectRequest(
                Set.of(Source.ROUTING), null, null, List.of(log), null, false), ctx.listener);
        SourceReport s = r.sources().get(0);
        ctx.artefact("routing log", log);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("log", log.toString());
        d.put("lines", wanted.lines().count());
        d.put("appended", grew);
        d.put("routing", s);
        d.put("total_samples", r.totalSamples());
        String what = part == 1 ? wanted.lines().count() + "-line routing log" : (grew ? "appended "
                + BundledData.text(BundledData.ROUTING_2).lines().count() + " new lines" : "no new lines");
        return new Outcome(what + ": " + s.scanned() + " read -> " + s.added() + " samples"
                + CollectRepositoryStep.rejected(s) + " (total " + r.totalSamples() + ")", d, r.warnings());
    }
}
