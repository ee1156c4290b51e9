package dev.sam.serve.routing;

import dev.sam.serve.http.ApiError;
import java.util.ArrayList;
import java.util.List;

/**
 * What a request's {@code model} field selects. {@value #ROUTED} (or no model) is the routed model: the
 * canary for its share of requests, else the active version ({@link TrafficSplitter}); {@code active}
 * and {@code canary} pin that role; a version name (v1.0.3, or "base" when nothing is deployed) pins
 * that version while it is served. Anything else is a 404 {@code model_not_found}, as OpenAI answers
 * an unknown model, never a silent substitute. Ollama clients add a tag ({@code sam:latest}); the
 * {@code :latest} tag is the name itself.
 *
 * <pre>Served s = selector.select(versions.current(), body.path("model").asText(null));</pre>
 */
public final class ModelSelector {
    public static final String ROUTED = "sam";

    private final TrafficSplitter splitter;

    public ModelSelector(TrafficSplitter splitter) {
        this.splitter = splitter;
    }

    public Served select(ServedVersions v, String model) {
        String m = model == null ? "" : model.strip();
        if (m.endsWith(":latest")) {
            m = m.substring(0, m.length() - ":latest".length());
        }
        if (m.isEmpty() || m.equals(ROUTED)) {
            return splitter.pick(v);
        }
        if (m.equals(Served.ACTIVE) || m.equals(v.active().version())) {
            return v.active();
        }
        if (v.canary() != null && (m.equals(Served.CANARY) || m.equals(v.canary().version()))) {
            return v.canary();
        }
        if (m.equals(Served.CANARY)) {
            throw ApiError.modelNotFound("there is no canary now (serving " + v.describe() + "); use model \""
                    + ROUTED + "\" or \"active\"");
        }
        throw ApiError.modelNotFound("the model '" + model + "' does not exist here: this server serves "
                + String.join(", ", names(v)) + " (GET /v1/models lists them)");
    }

    /** Every name a request may use now, routed name first. */
    public static List<String> names(ServedVersions v) {
        List<String> out = new ArrayList<>(List.of(ROUTED, Served.ACTIVE, v.active().version()));
        if (v.canary() != null) {
            out.add(Served.CANARY);
            out.add(v.canary().version());
        }
        return out;
    }
}
