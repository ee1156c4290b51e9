package dev.sam.serve.api;

import dev.sam.core.status.PipelineStatus;
import dev.sam.core.status.StatusService;
import dev.sam.serve.http.Handler;
import dev.sam.serve.http.HttpCall;
import dev.sam.serve.routing.ServedVersions;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/** {@code GET /api/self}: who SAM is, what it serves, and its training and deployment state. */
public final class SelfHandler implements Handler {
    private final ServeState state;
    private final boolean autoRollback;

    public SelfHandler(ServeState state, boolean autoRollback) {
        this.state = state;
        this.autoRollback = autoRollback;
    }

    @Override
    public void handle(HttpCall call) throws Exception {
        call.respond(200, response());
    }

    SelfResponse response() {
        PipelineStatus p = new StatusService(state.home(), state.config(), state.db()).status();
        ServedVersions v = state.versions().current();
        var serving = new SelfResponse.Serving(v.active().version(), v.canary() == null ? null : v.canary().version(),
                v.canaryTraffic(), v.active().baseModel(), v.active().problem());
        String started = LocalDateTime.ofInstant(Instant.ofEpochMilli(state.startedMillis()), ZoneId.systemDefault())
                .truncatedTo(ChronoUnit.SECONDS).toString();
        var status = new SelfResponse.Status("sam serve", state.url(), started,
                (System.currentTimeMillis() - state.startedMillis()) / 1000, state.engine(), serving, autoRollback,
                state.warnings());
        var d = p.trainingData();
        var last = p.lastTraining() == null ? null
                : new SelfResponse.LastTraining(p.lastTraining().runId(), p.lastTraining().samplesCount(),
                p.lastTraining().status());
        var stats = new SelfResponse.TrainingStats(p.modelVersion(), p.deployedAt(), last,
                new SelfResponse.TrainingData(d.totalSamples(), d.minForTraining(), d.readyToTrain(), d.distilledSamples()),
                new SelfResponse.Deployment(p.deployment().totalVersions(), p.deployment().rollbackAvailable(),
                        p.deployment().canaryActive()));
        return new SelfResponse(true, explanation(p, v), status,
                new SelfResponse.Distillation(d.distilledSamples(), d.preferencePairs()), stats, p.cycle());
    }

    private static String explanation(PipelineStatus p, ServedVersions v) {
        StringBuilder sb = new StringBuilder("I am SAM, a local code model that keeps learning from your work. ");
        if (v.active().isBase()) {
            sb.append("No adapter is deployed yet, so I answer with the base model")
                    .append(v.active().baseModel() == null ? "" : " " + v.active().baseModel()).append(". ");
        } else {
            sb.append("I answer as ").append(v.active().version()).append(" on base model ")
                    .append(v.active().baseModel());
            if (v.canary() != null) {
                sb.append("; canary ").append(v.canary().version()).append(" gets ").append(v.canaryTraffic())
                        .append("% of requests");
            }
            sb.append(". ");
        }
        var d = p.trainingData();
        sb.append(d.totalSamples()).append(" training samples collected (")
                .append(d.readyToTrain() ? "ready to train" : (d.minForTraining() - d.totalSamples()) + " more needed to train")
                .append(")");
        if (p.lastTraining() != null) {
            sb.append("; last training run ").append(p.lastTraining().runId()).append(" ").append(p.lastTraining().status());
        }
        return sb.append('.').toString();
    }
}
