package dev.sam.deploy;

import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.VersionsFile;
import dev.sam.deploy.store.ActiveLink;
import dev.sam.deploy.store.VersionNumbers;
import dev.sam.deploy.store.VersionStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Read-only views of the version store for {@code sam list} and {@code sam current}, with a warning
 * whenever the derived pointers (current.txt, symlink) disagree with versions.json — cheap checks
 * only; {@code sam verify} does the checksums.
 *
 * <pre>StoreView.Listing l = new StoreView(ctx).list();</pre>
 */
public final class StoreView {
    private final DeployContext ctx;

    public StoreView(DeployContext ctx) {
        this.ctx = ctx;
    }

    /** Every version, newest first. */
    public record Listing(List<ModelVersion> versions, String active, String canary, Integer canaryTraffic,
                          String versionsDir, boolean externalVolume, List<String> warnings) {
    }

    /** The active version, where its adapters are, and the canary beside it. */
    public record Current(String version, String deployedAt, String description, String baseModel,
                          String trainingRunId, String checksum, String adapterPath, String activeLink,
                          String canary, Integer canaryTraffic, List<String> warnings) {
    }

    public Listing list() {
        VersionState s = VersionState.read(new VersionStore(ctx.home()).file());
        List<ModelVersion> newestFirst = new ArrayList<>(s.versions());
        newestFirst.sort(Comparator.comparing(ModelVersion::version, VersionNumbers.ORDER).reversed());
        ModelVersion c = s.canary().orElse(null);
        return new Listing(newestFirst, s.active().map(ModelVersion::version).orElse(null),
                c == null ? null : c.version(), c == null ? null : c.canaryTraffic(),
                ctx.home().versionsDir().toString(), ctx.home().models().external(), warnings(s));
    }

    public Current current() {
        VersionState s = VersionState.read(new VersionStore(ctx.home()).file());
        ModelVersion c = s.canary().orElse(null);
        Optional<ModelVersion> a = s.active();
        String link = new ActiveLink(ctx.home()).path().toString();
        return a.map(v -> new Current(v.version(), v.deployedAt(), v.description(), v.baseModel(), v.trainingRunId(),
                        v.checksum(), new VersionStore(ctx.home()).adapters(v.version()).toString(), link,
                        c == null ? null : c.version(), c == null ? null : c.canaryTraffic(), warnings(s)))
                .orElse(new Current(null, null, null, null, null, null, null, link, null, null, warnings(s)));
    }

    /** Disagreements between versions.json and its derived pointers, and the model volume fallback. */
    List<String> warnings(VersionState s) {
        List<String> w = new ArrayList<>();
        if (ctx.home().models().warning() != null) {
            w.add(ctx.home().models().warning());
        }
        VersionStore store = new VersionStore(ctx.home());
        VersionsFile vf = store.file();
        Optional<String> current = vf.current();
        String active = s.active().map(ModelVersion::version).orElse(null);
        String fix = "; run `sam verify --repair`";
        if (active != null && !current.equals(Optional.of(active))) {
            w.add("current.txt names " + current.orElse("nothing") + " but versions.json has " + active + " active" + fix);
        }
        ActiveLink link = new ActiveLink(ctx.home());
        if (active != null && !link.pointsTo(store.linkTarget(active))) {
            w.add("symlink " + link.path() + " points to " + link.target().map(Path::toString).orElse("nothing")
                    + ", not to " + active + fix);
        }
        if (!store.leftovers().isEmpty()) {
            w.add(store.leftovers().size() + " leftovers of interrupted writes in " + ctx.home().versionsDir() + fix);
        }
        return w;
    }
}
