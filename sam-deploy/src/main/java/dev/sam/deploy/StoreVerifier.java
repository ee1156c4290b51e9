package dev.sam.deploy;

import dev.sam.core.SamException;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.TrainingRun;
import dev.sam.train.runs.RunStore;
import dev.sam.core.store.EventRepository;
import dev.sam.core.store.VersionRepository;
import dev.sam.core.store.VersionsFile;
import dev.sam.deploy.VerifyReport.Finding;
import dev.sam.deploy.store.Activation;
import dev.sam.deploy.store.ActiveLink;
import dev.sam.deploy.store.VersionStore;
import dev.sam.deploy.store.VolumeMirror;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sam verify [--repair]}: checks every stored version's checksums and that versions.json,
 * current.txt, the active symlink and SQLite agree; with repair, restores agreement from the most
 * trustworthy source — versions.json (the commit point of every change), then sam.db's mirror of it,
 * then the version directories — and says what it did. It never deletes a version that is recorded,
 * nor a directory that SAM did not make; a corrupt versions.json is moved aside, not overwritten.
 *
 * <pre>VerifyReport r = new StoreVerifier(ctx).verify(true);</pre>
 */
public final class StoreVerifier {
    private final DeployContext ctx;
    private final VersionStore store;

    public StoreVerifier(DeployContext ctx) {
        this.ctx = ctx;
        this.store = new VersionStore(ctx.home());
    }

    @SuppressWarnings("try") // the lock is held for the block, not used in it
    public VerifyReport verify(boolean repair) {
        try (ProcessLock lock = store.lock(repair ? "verify --repair" : "verify")) {
            List<Finding> findings = new ArrayList<>();
            mirror(findings, repair);
            VersionsFile vf = store.file();
            VersionState recorded;
            boolean rebuilt = false;
            try {
                recorded = VersionState.read(vf);
            } catch (SamException e) {
                Finding f = Finding.problem(e.getMessage());
                if (!repair) {
                    findings.add(f);
                    return new VerifyReport(false, false, null, 0, 0, findings);
                }
                Path aside = moveAside(vf.versionsJson());
                recorded = new StateRebuild(ctx, store).fromMirrorAndDirectories(vf.current().orElse(null));
                findings.add(f.repaired("moved it to " + aside.getFileName() + " and rebuilt " + recorded.versions().size()
                        + " versions from sam.db and the version directories"));
                rebuilt = true;
            }
            if (!rebuilt && recorded.versions().isEmpty() && !Files.exists(vf.versionsJson())) {
                List<ModelVersion> mirror = new VersionRepository(ctx.db()).list();
                if (!mirror.isEmpty()) {
                    Finding f = Finding.problem(vf.versionsJson() + " is missing but sam.db records " + mirror.size()
                            + " versions");
                    recorded = new VersionState(mirror);
                    findings.add(repair ? f.repaired("rebuilt it from sam.db") : f);
                    rebuilt = true;
                }
            }
            StateRebuild.Normalized n = new StateRebuild(ctx, store).normalize(recorded, vf.current().orElse(null));
            n.fixes().forEach(fix -> findings.add(repair ? Finding.problem(fix.problem()).repaired(fix.action())
                    : Finding.problem(fix.problem())));
            VersionState state = n.state();
            if (!state.versions().isEmpty() && state.active().isEmpty()) {
                findings.add(Finding.problem("no version is active and none can be activated (every recorded version"
                        + " is damaged or missing)"));
            }

            int verified = 0;
            VersionIntegrity integrity = new VersionIntegrity(store);
            for (ModelVersion v : state.versions()) {
                List<String> p = integrity.problems(v);
                if (p.isEmpty()) {
                    verified++;
                }
                p.forEach(x -> findings.add(Finding.problem(v.version() + " (" + v.status().json() + "): " + x)));
            }

            boolean pointersWrong = pointers(state, vf, findings, repair);
            leftovers(state, findings, repair);
            runs(findings, repair);

            boolean commit = repair && state.active().isPresent() && (rebuilt || !n.fixes().isEmpty() || pointersWrong);
            if (commit) {
                new Activation(ctx.home(), ctx.db()).commit(state.versions(), "repair");
            }
            List<String> actions = findings.stream().filter(f -> f.action() != null).map(Finding::action).toList();
            if (repair && !actions.isEmpty()) {
                Map<String, Object> data = new HashMap<>();
                data.put("actions", actions);
                new EventRepository(ctx.db()).record("repair", state.active().map(ModelVersion::version).orElse(null),
                        null, "sam verify --repair: " + actions.size() + " repairs", data);
            }
            boolean consistent = findings.stream().noneMatch(Finding::open);
            return new VerifyReport(repair, consistent, state.active().map(ModelVersion::version).orElse(null),
                    state.versions().size(), verified, findings);
        }
    }

    /** current.txt, the symlink and sam.db against the state; true when a commit would fix something. */
    private boolean pointers(VersionState state, VersionsFile vf, List<Finding> findings, boolean repair) {
        Optional<ModelVersion> active = state.active();
        Optional<String> current = vf.current();
        ActiveLink link = new ActiveLink(ctx.home());
        boolean wrong = false;
        if (active.isEmpty()) {
            if (current.isPresent()) {
                Finding f = Finding.problem("current.txt names " + current.get() + " but no version is recorded");
                findings.add(repair && deleteQuietly(vf.currentTxt()) ? f.repaired("removed current.txt") : f);
            }
            return false;
        }
        String a = active.get().version();
        if (!current.equals(Optional.of(a))) {
            wrong = true;
            Finding f = Finding.problem("current.txt names " + current.orElse("nothing") + ", versions.json has " + a
                    + " active");
            findings.add(repair ? f.repaired("wrote " + a + " to current.txt") : f);
        }
        if (!link.pointsTo(store.linkTarget(a))) {
            wrong = true;
            Finding f = Finding.problem("symlink " + link.path() + " points to "
                    + link.target().map(Path::toString).orElse("nothing") + ", not to " + store.linkTarget(a));
            findings.add(repair ? f.repaired("pointed the symlink at " + a) : f);
        }
        Map<String, ModelVersion> mirror = new HashMap<>();
        new VersionRepository(ctx.db()).list().forEach(v -> mirror.put(v.version(), v));
        Map<String, ModelVersion> want = new HashMap<>();
        state.versions().forEach(v -> want.put(v.version(), v));
        if (!mirror.equals(want)) {
            wrong = true;
            Finding f = Finding.problem("sam.db's versions table differs from versions.json");
            findings.add(repair ? f.repaired("copied versions.json into sam.db") : f);
        }
        return wrong;
    }

    /** With an external volume: its local mirror ({@link VolumeMirror}) holds the same history. */
    private void mirror(List<Finding> findings, boolean repair) {
        if (VolumeMirror.inSync(ctx.home())) {
            return;
        }
        Finding f = Finding.problem("the local store " + ctx.home().local().versionsDir() + " does not mirror the"
                + " model volume's history");
        if (repair) {
            List<String> done = new VolumeMirror(ctx.home()).sync();
            findings.add(f.repaired(done.isEmpty() ? "mirrored the volume's history" : String.join("; ", done)));
        } else {
            findings.add(f);
        }
    }

    /** Training runs that runs/ID/run.json records and sam.db lacks (a lost sam.db): restored with repair. */
    private void runs(List<Finding> findings, boolean repair) {
        List<String> unreadable = new ArrayList<>();
        RunStore runs = new RunStore(ctx.home(), ctx.db());
        List<TrainingRun> missing = runs.unrecorded(unreadable);
        unreadable.forEach(u -> findings.add(Finding.warning(u + "; left alone")));
        if (missing.isEmpty()) {
            return;
        }
        Finding f = Finding.problem(missing.size() + " training run" + (missing.size() == 1 ? " is" : "s are")
                + " in " + ctx.home().runsDir() + "/*/run.json but not in sam.db's run history ("
                + missing.stream().map(TrainingRun::runId).limit(5).collect(java.util.stream.Collectors.joining(", "))
                + (missing.size() > 5 ? ", ..." : "") + ")");
        if (repair) {
            runs.restore(missing);
            f = f.repaired("restored " + missing.size() + " run" + (missing.size() == 1 ? "" : "s")
                    + " into sam.db from run.json");
        }
        findings.add(f);
    }

    private void leftovers(VersionState state, List<Finding> findings, boolean repair) {
        List<Path> junk = new ArrayList<>(store.leftovers());
        junk.addAll(new ActiveLink(ctx.home()).leftovers());
        for (Path p : junk) {
            Finding f = Finding.problem(p + " is left over from an interrupted write");
            findings.add(repair && VersionStore.deleteQuietly(p) ? f.repaired("deleted " + p.getFileName()) : f);
        }
        for (String d : store.directories()) {
            if (state.find(d).isPresent()) {
                continue;
            }
            if (store.madeBySam(d)) {
                Finding f = Finding.problem(store.dir(d) + " is a complete copy that was never recorded (a deploy "
                        + "interrupted before its commit)");
                findings.add(repair && VersionStore.deleteQuietly(store.dir(d)) ? f.repaired("deleted " + d) : f);
            } else {
                findings.add(Finding.warning(store.dir(d) + " is not recorded in versions.json and was not made by "
                        + "SAM; left alone"));
            }
        }
    }

    private static Path moveAside(Path file) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
        try {
            Files.move(file, aside);
            return aside;
        } catch (IOException e) {
            throw SamException.failure("cannot move the corrupt " + file + " aside: " + e.getMessage(),
                    "check permissions of " + file.getParent());
        }
    }

    private static boolean deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
