package dev.sam.deploy;

import dev.sam.core.SamException;
import dev.sam.core.model.ModelVersion;
import dev.sam.train.adapters.AdapterFiles;
import dev.sam.train.adapters.AdapterSanity;
import dev.sam.deploy.adapter.AdapterValidator;
import dev.sam.core.Bytes;
import dev.sam.deploy.adapter.ValidationReport;
import dev.sam.deploy.store.ActiveLink;
import dev.sam.deploy.store.VersionNumbers;
import dev.sam.deploy.store.VersionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Decides a deployment without writing anything: resolves the source, runs the validation gate
 * (sanity → generation → blessing), picks the version number and lists every step. This is
 * {@code sam deploy --dry-run}; {@link Deployer} runs the same plan again under the lock.
 *
 * <pre>DeployPlan p = new DeployPlanner(ctx).plan(DeployRequest.ofPath(dir));</pre>
 */
public final class DeployPlanner {
    private final DeployContext ctx;

    public DeployPlanner(DeployContext ctx) {
        this.ctx = ctx;
    }

    public DeployPlan plan(DeployRequest r) {
        return prepare(r).plan();
    }

    /** The plan plus what executing it needs. */
    record Prepared(DeployPlan plan, DeploySource source, AdapterFiles files, AdapterSanity.Result sanity) {
    }

    Prepared prepare(DeployRequest r) {
        checkRequest(r);
        DeploySource src = DeploySource.resolve(ctx.home(), ctx.db(), r);
        String runBase = src.run() == null ? null : src.run().baseModel();
        var choice = new AdapterSanity.BaseChoice(r.base(), runBase, ctx.config().training().baseModel());
        var outcome = new AdapterValidator(ctx.home(), ctx.probe()).validate(src.adapters(), choice, r.force());
        ValidationReport report = outcome.report().with(src.blessing(r.force()));
        AdapterFiles files = outcome.sanity().files();
        VersionState state = VersionState.read(new VersionStore(ctx.home()).file());
        return new Prepared(planFor(r, state, src, outcome.sanity(), report), src, files, outcome.sanity());
    }

    /** Re-plans against a fresh state (under the lock) with the validation already done. */
    Prepared replan(Prepared p, DeployRequest r, VersionState state) {
        return new Prepared(planFor(r, state, p.source(), p.sanity(), p.plan().validation()), p.source(), p.files(),
                p.sanity());
    }

    private DeployPlan planFor(DeployRequest r, VersionState state, DeploySource src, AdapterSanity.Result sanity,
                               ValidationReport report) {
        VersionStore store = new VersionStore(ctx.home());
        List<String> blockers = new ArrayList<>(report.failures());
        List<String> warnings = new ArrayList<>();
        if (ctx.home().models().warning() != null) {
            warnings.add(ctx.home().models().warning());
        }
        String version = r.version() != null ? r.version() : VersionNumbers.next(state.names());
        state.find(version).ifPresent(v -> blockers.add("version " + version + " already exists (" + v.status().json()
                + ", created " + v.createdAt() + "); versions are never overwritten — omit --version for the next one"));
        Path dir = store.dir(version);
        boolean leftover = Files.exists(dir) && state.find(version).isEmpty();
        if (leftover && !store.madeBySam(version)) {
            blockers.add(dir + " exists but is not a SAM version directory; move it away or choose another --version");
        }
        insideStore(src.adapters()).ifPresent(v -> blockers.add(src.adapters() + " is inside the version store ("
                + v + "); to make a stored version active use `sam rollback " + v + "`"));
        ModelVersion active = state.active().orElse(null);
        ModelVersion canary = state.canary().orElse(null);
        if (canary != null) {
            blockers.add("canary " + canary.version() + " is running (" + canary.canaryTraffic()
                    + "% of traffic): only one deployment in flight — `sam promote` or `sam canary abort` first");
        }
        if (r.canary() && active == null) {
            blockers.add("no active version to run a canary against: deploy one first with `sam deploy`");
        }
        List<DeployPlan.PlannedFile> files = new ArrayList<>();
        long total = 0;
        for (Path f : sanity.files().toCopy()) {
            long n = size(f);
            files.add(new DeployPlan.PlannedFile(f.getFileName().toString(), n, f.toString()));
            total += n;
        }
        List<String> steps = steps(r, version, dir, leftover, files, total, active, report);
        String base = sanity.base() == null ? null : sanity.base().name();
        return new DeployPlan(r.canary() ? "canary" : "deploy", version, src.adapters().toString(), src.runId(), base,
                files, total, dir.toString(), new ActiveLink(ctx.home()).path().toString(),
                active == null ? null : active.version(), canary == null ? null : canary.version(), r.canaryTraffic(),
                report, steps, blockers, warnings);
    }

    private List<String> steps(DeployRequest r, String version, Path dir, boolean leftover,
                               List<DeployPlan.PlannedFile> files, long total, ModelVersion active,
                               ValidationReport report) {
        List<String> s = new ArrayList<>();
        Map<String, Long> by = new TreeMap<>();
        report.checks().forEach(c -> by.merge(c.outcome().words(), 1L, Long::sum));
        s.add("validate the adapters (sanity, generation, blessing): " + by.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")));
        if (leftover) {
            s.add("remove " + dir + ", left unrecorded by an interrupted deploy");
        }
        StringBuilder names = new StringBuilder();
        files.forEach(f -> names.append(names.length() == 0 ? "" : ", ").append(f.name()).append(" (")
                .append(Bytes.human(f.bytes())).append(')'));
        Path tmp = ctx.home().versionsDir().resolve(".tmp-" + version + "-<random>");
        s.add("copy " + names + " = " + Bytes.human(total) + " into " + tmp.resolve("adapters") + ", fsync each file");
        s.add("compute SHA-256 of each file, check them against the source, write " + tmp.resolve("checksums.json"));
        s.add("rename " + tmp + " to " + dir + " (atomic)");
        String prev = active == null ? "" : ", " + active.version() + " active → retired";
        if (r.canary()) {
            s.add("write " + ctx.home().versionsJson() + ": " + version + " canary at " + r.canaryTraffic()
                    + "% of traffic, " + (active == null ? "no version" : active.version()) + " stays active (commit point)");
        } else {
            s.add("write " + ctx.home().versionsJson() + ": " + version + " active" + prev + " (commit point)");
            s.add("write " + ctx.home().currentTxt() + ": " + version);
            s.add("switch symlink " + new ActiveLink(ctx.home()).path() + " → " + dir.resolve("adapters"));
        }
        s.add("mirror the versions into " + ctx.home().database() + " and log a " + (r.canary() ? "canary" : "deploy")
                + " event");
        return s;
    }

    /** The version whose directory holds {@code p} (e.g. the active symlink's target), if any. */
    private java.util.Optional<String> insideStore(Path p) {
        try {
            Path real = p.toRealPath();
            Path versions = ctx.home().versionsDir().toRealPath();
            if (real.startsWith(versions) && real.getNameCount() > versions.getNameCount()) {
                return java.util.Optional.of(real.getName(versions.getNameCount()).toString());
            }
        } catch (IOException e) {
            // a path that does not exist is reported by the sanity checks
        }
        return java.util.Optional.empty();
    }

    private static void checkRequest(DeployRequest r) {
        if (r.version() != null && !VersionNumbers.valid(r.version())) {
            throw SamException.usage("--version must look like v1.2.3, got '" + r.version() + "'", null);
        }
        if (r.canary() && (r.canaryTraffic() < 1 || r.canaryTraffic() > 99)) {
            throw SamException.usage("--traffic must be 1..99 (percent of requests), got " + r.canaryTraffic(),
                    "e.g. `sam canary PATH --traffic 10`");
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }
}
