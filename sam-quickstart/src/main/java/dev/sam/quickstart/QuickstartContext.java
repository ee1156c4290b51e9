package dev.sam.quickstart;

import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.store.Database;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.DeployResult;
import dev.sam.serve.RunningServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the steps share while the quickstart runs: the home and its database, what earlier steps made
 * (runs, versions, the server), and what goes into the summary (answers, artefacts). One per run.
 */
final class QuickstartContext implements AutoCloseable {
    final QuickstartRequest request;
    final QuickstartListener listener;
    SamHome home;
    SamConfig config;
    Database db;
    boolean reused;
    /** The repository that was collected and where it came from ("current directory" / "sample repository"). */
    Path repo;
    String repoOrigin;
    /** The two runs this quickstart trains (null until trained). */
    TrainedRun first;
    TrainedRun second;
    DeployResult active;
    DeployResult canary;
    RunningServer server;
    ApiClient api;
    /** Tasks of the demo requests, with the handler the routing log names. */
    final List<BundledData.Route> demo = new ArrayList<>();
    final List<Answer> answers = new ArrayList<>();
    final Map<String, String> artefacts = new LinkedHashMap<>();

    QuickstartContext(QuickstartRequest request, QuickstartListener listener) {
        this.request = request;
        this.listener = listener;
    }

    /** The deployment services' context, with sam-train's engine for the generation check (as the CLI's). */
    DeployContext deployContext() {
        return DeployContext.of(home, db, config);
    }

    void artefact(String what, Path path) {
        artefacts.put(what, path.toString());
    }

    /** Stops the server unless it should keep serving (then the caller owns it). */
    void stopServer(boolean keep) {
        if (server != null && !keep) {
            server.stop();
            server = null;
        }
    }

    @Override
    public void close() {
        stopServer(false);
        if (db != null) {
            db.close();
        }
    }
}
