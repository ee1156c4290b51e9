package dev.sam.quickstart;

import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.config.ConfigLoader;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.store.Database;
import dev.sam.core.store.RunRepository;
import dev.sam.core.store.VersionsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Step 1: the quickstart's own SAM_HOME. A new or empty directory gets the layout, a marker file and
 * config.yaml; a directory the quickstart made before is reused (its runs and versions stay, the next
 * runs and version numbers follow them). Any other non-empty directory is refused, so that the quickstart
 * can never touch a real SAM_HOME.
 */
final class PrepareHomeStep implements Step {
    static final String MARKER = ".sam-quickstart";

    @Override
    public String name() {
        return "prepare the quickstart home";
    }

    @Override
    public String remedy() {
        return "pick a new or empty directory with --dir DIR (e.g. --dir /tmp/sam-demo); the quickstart never writes "
                + "into a directory it did not make";
    }

    @Override
    public Outcome run(QuickstartContext ctx) throws Exception {
        Path dir = ctx.request.dir();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw SamException.usage(dir + " is a file, not a directory", remedy());
        }
        Path marker = dir.resolve(MARKER);
        ctx.reused = Files.isRegularFile(marker);
        if (!ctx.reused && Files.isDirectory(dir) && !empty(dir)) {
            throw SamException.usage(dir + " is not empty and was not made by `sam quickstart` (no " + MARKER + " in it):"
                    + " the quickstart only writes into a new or empty directory, or one it made", remedy());
        }
        Files.createDirectories(dir);
        if (!ctx.reused) {
            AtomicFiles.writeString(marker, "{\"made_by\": \"sam quickstart\", \"created_at\": \"" + Times.now()
                    + "\"}\n");
        }
        // SamHome.of: the local version store, never an external volume from SAM_MODELS_DIR
        ctx.home = SamHome.of(dir).ensureLayout();
        AtomicFiles.writeString(ctx.home.configFile(), QuickstartConfig.yaml());
        ctx.config = ConfigLoader.load(ctx.home.configFile());
        ctx.db = Database.open(ctx.home.database());
        int runs = new RunRepository(ctx.db).list().size();
        int versions = new VersionsFile(ctx.home).read().size();
        ctx.artefact("home", dir);
        ctx.artefact("config", ctx.home.configFile());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("dir", dir.toString());
        d.put("reused", ctx.reused);
        d.put("runs_before", runs);
        d.put("versions_before", versions);
        return new Outcome((ctx.reused ? "reusing " + dir + " (" + runs + " runs, " + versions + " versions so far)"
                : "new home " + dir) + "; config.yaml with the \"" + QuickstartConfig.PROFILE + "\" profile", d);
    }

    private static boolean empty(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
