package dev.sam.serve.api;

import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.VersionsFile;
import dev.sam.serve.http.Handler;
import dev.sam.serve.http.HttpCall;
import dev.sam.serve.routing.ServedVersions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/versions}: every version (newest first, as in versions.json) and what is served. */
public final class VersionsHandler implements Handler {
    private final ServeState state;

    public VersionsHandler(ServeState state) {
        this.state = state;
    }

    @Override
    public void handle(HttpCall call) throws Exception {
        List<ModelVersion> versions = new ArrayList<>(new VersionsFile(state.home()).read());
        Collections.reverse(versions);
        ServedVersions v = state.versions().current();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("active", v.active().version());
        body.put("canary", v.canary() == null ? null : v.canary().version());
        body.put("canary_traffic", v.canaryTraffic());
        body.put("total_versions", versions.size());
        body.put("versions", versions);
        call.respond(200, body);
    }
}
