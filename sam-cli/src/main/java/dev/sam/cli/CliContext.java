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
 * database and the output. Opening the home creates its layout and starts the log file there.
 */
public final class CliContext implements AutoCloseable {
    private final GlobalOptions options;
    private final Map<String, String> env;
    private final Output output;
    private SamHome home;
    private SamConfig config;
    private Database db;

    CliContext(GlobalOptions options, Map<String, String> env, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.env = env;
        this.output = new Output(out, err, options.json);
    }

    public SamHome home() {
        if (home == null) {
            SamHome h = SamHome.resolve(options.samHome, env).ensureLayout();
            LogSetup.toFile(h.logsDir(), options.verbose);
            config = ConfigLoader.load(h.configFile());
            home = h.withModels(config.models().primary(), env).ensureLayout();
            if (home.models().warning() != null) {
                output.warn(home.models().warning());
            }
        }
        return home;
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
