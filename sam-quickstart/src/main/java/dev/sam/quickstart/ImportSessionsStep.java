package dev.sam.quickstart;

import dev.sam.collect.SourceReport;
import dev.sam.collect.distill.DistillReport;
import dev.sam.collect.distill.DistillService;
import dev.sam.core.io.AtomicFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Step 4 ({@code sam distill import}): the bundled captured sessions ({@link BundledData#SESSIONS}),
 * copied to {@code DIR/inputs/} so the user can look at them. Importing them again adds nothing.
 */
final class ImportSessionsStep implements Step {
    @Override
    public String name() {
        return "import captured sessions (sam distill import)";
    }

    @Override
    public String remedy() {
        return "see the line-by-line problems above; `sam distill import --help` describes the format";
    }

    @Override
    public Outcome run(QuickstartContext ctx) throws Exception {
        Path file = ctx.request.dir().resolve("inputs").resolve(BundledData.SESSIONS);
        AtomicFiles.writeString(file, BundledData.text(BundledData.SESSIONS));
        DistillReport r = new DistillService(ctx.home, ctx.config, ctx.db).importFile(file, ctx.listener);
        SourceReport s = r.collected().sources().get(0);
        ctx.artefact("captured sessions", file);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("file", file.toString());
        d.put("report", r);
        return new Outcome(r.read() + " sessions: " + r.captured() + " new, " + r.duplicates() + " already captured -> "
                + s.added() + " samples, " + s.pairs() + " preference pairs",
                d, r.collected().warnings());
    }
}
