package dev.sam.cli;

import dev.sam.core.config.ConfigLoader;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.store.Database;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every command needs, built lazily from the global options: the data home, the config, the
 * database and the output. Opening the home creates its layout and starts the log file there — but
 * only a verb that brings data or models in creates a home directory that does not exist yet; any
 * other verb refuses it and says which command makes one (a mistyped {@code --sam-home} must not
 * silently become an empty home that reports "nothing here").
 */
public final class CliContext implements AutoCloseable {
    /** The verbs that may create a missing home: they add training data, a model or adapters to it, or schedule its cycle. */
    static final java.util.Set<String> CREATING_VERBS = java.util.Set.of("collect", "distill", "model", "import",
            "deploy", "canary", "quickstart", "schedule");

    private final GlobalOptions options;
    private final Map<String, String> env;
    private final Output output;
    private SamHome home;
    private SamConfig config;
    private Database db;
    private String verb;

    CliContext(GlobalOptions options, Map<String, String> env, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.env = env;
        this.output = new Output(out, err, options.json);
    }

    public SamHome home() {
        if (home == null) {
            SamHome h = SamHome.resolve(options.samHome, env);
            refuseMissing(h.root());
            h.ensureLayout();
            LogSetup.toFile(h.logsDir(), options.verbose);
            config = ConfigLoader.load(h.configFile());
            home = h.withModels(config.models().primary(), env).ensureLayout();
            if (home.models().warning() != null) {
                output.warn(home.models().warning());
            }
            try {
                dev.sam.deploy.store.VolumeMirror.syncIfNeeded(home).forEach(n -> output.note("model volume: " + n));
            } catch (dev.sam.core.SamException e) {
                output.warn(e.getMessage() + (e.hint() == null ? "" : " (" + e.hint() + ")"));
            }
        }
        return home;
    }

    /** Called by every verb before it uses the context: which verb runs ("status", "model", ...). */
    void verb(String name) {
        this.verb = name;
    }

    private void refuseMissing(Path root) {
        if (java.nio.file.Files.isDirectory(root) || verb == null || CREATING_VERBS.contains(verb)) {
            return;
        }
        String from = options.samHome != null ? "--sam-home" : env.get(SamHome.ENV_HOME) != null
                && !env.get(SamHome.ENV_HOME).isBlank() ? "$" + SamHome.ENV_HOME : "the default";
        throw dev.sam.core.SamException.notReady("SAM home " + root + " (" + from + ") does not exist; `sam " + verb
                + "` does not create one", "check the path; a new home is made by the first `sam model init-tiny`,"
                + " `sam model add DIR` or `sam collect --repo DIR` (or `mkdir -p " + root + "` for an empty one)");
    }

    public SamConfig config() {
        home();
        return config;
    }

    public Database db() {
        if (db == null) {
            db = Database.open(home().database());
        }
        return db;
    }

    public Output out() {
        return output;
    }

    public Map<String, String> env() {
        return env;
    }

    public boolean json() {
        return options.json;
    }

    public boolean verbose() {
        return options.verbose;
    }

    /** The --sam-home flag as given (null when absent), for commands that pass it to child processes. */
    public Path samHomeFlag() {
        return options.samHome;
    }

    @Override
    public void close() {
        if (db != null) {
            db.close();
        }
    }
}
