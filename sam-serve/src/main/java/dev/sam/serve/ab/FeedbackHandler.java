package dev.sam.serve.ab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.collect.distill.DistillCapture;
import dev.sam.collect.distill.DistillService;
import dev.sam.collect.distill.DistillStore;
import dev.sam.core.Times;
import dev.sam.core.store.OutcomeRepository;
import dev.sam.serve.chat.Generations;
import dev.sam.serve.http.ApiError;
import dev.sam.serve.http.Handler;
import dev.sam.serve.http.HttpCall;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /api/feedback {"id", "rating": 1|-1, "accepted": true|false, "edited": "…"}} (token required):
 * the user's verdict on one answer, counted for the version that gave it. Positive (what the A/B test
 * counts) is a thumbs up or an acceptance without edit; a thumbs down, a rejection or an edit is negative.
 * An edited answer (text that differs from the answer) also becomes a correction capture in the
 * distillation store — the served answer as the wrong one, the edit as the right one, scrubbed,
 * deduplicated, origin "sam serve feedback" — which the next {@code sam distill}/{@code sam collect} turns
 * into training samples. Every post is kept; an answer's latest verdict is the one counted.
 */
public final class FeedbackHandler implements Handler {
    static final String ORIGIN = "sam serve feedback";
    private static final Set<String> FIELDS = Set.of("id", "rating", "accepted", "edited");

    private final OutcomeRepository outcomes;
    private final DistillStore distill;

    public FeedbackHandler(OutcomeRepository outcomes, DistillStore distill) {
        this.outcomes = outcomes;
        this.distill = distill;
    }

    @Override
    public void handle(HttpCall call) throws Exception {
        JsonNode b = call.jsonBody();
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw ApiError.badRequest("unknown field '" + f + "' (feedback takes id, rating, accepted, edited)");
            }
        }
        JsonNode idNode = b.path("id");
        if (!idNode.isTextual() || idNode.asText().isBlank()) {
            throw ApiError.badRequest("'id' must be the id of an answer: the \"id\" of a chat or completion response,"
                    + " or its " + Generations.RESPONSE_ID_HEADER + " header");
        }
        Integer rating = null;
        if (b.has("rating")) {
            JsonNode r = b.get("rating");
            if (!r.isIntegralNumber() || (r.asLong() != 1 && r.asLong() != -1)) {
                throw ApiError.badRequest("'rating' must be 1 (thumbs up) or -1 (thumbs down), got " + r);
            }
            rating = r.asInt();
        }
        Boolean accepted = null;
        if (b.has("accepted")) {
            if (!b.get("accepted").isBoolean()) {
                throw ApiError.badRequest("'accepted' must be true or false, got " + b.get("accepted"));
            }
            accepted = b.get("accepted").asBoolean();
        }
        String edited = null;
        if (b.has("edited")) {
            if (!b.get("edited").isTextual()) {
                throw ApiError.badRequest("'edited' must be the answer as the user left it (a string)");
            }
            edited = b.get("edited").asText();
        }
        if (rating == null && accepted == null && edited == null) {
            throw ApiError.badRequest("give the verdict: \"rating\": 1 or -1, \"accepted\": true or false, or"
                    + " \"edited\": the changed answer");
        }
        if (rating != null && accepted != null && (rating == 1) != accepted) {
            throw ApiError.badRequest("'rating' " + rating + " and 'accepted' " + accepted + " contradict each other");
        }
        String id = idNode.asText();
        OutcomeRepository.Response answer = outcomes.response(id).orElseThrow(() -> ApiError.notFound(
                "no answer with id '" + id + "' (ids come from this SAM_HOME's chat and completion answers)"));
        boolean changed = edited != null && !edited.strip().equals(answer.answer().strip());
        boolean positive = !changed && (Integer.valueOf(1).equals(rating) || Boolean.TRUE.equals(accepted)
                || (rating == null && accepted == null));
        outcomes.addFeedback(new OutcomeRepository.Feedback(id, System.currentTimeMillis(), answer.version(), rating,
                accepted, changed, positive));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("success", true);
        out.put("id", id);
        out.put("version", answer.version());
        out.put("counted_as", positive ? "positive" : "negative");
        out.put("correction", changed ? correction(answer, edited) : null);
        call.respond(200, out);
    }

    /** "stored", "duplicate", or why not: the edit as a correction capture. */
    private String correction(OutcomeRepository.Response answer, String edited) {
        DistillCapture clean = DistillService.scrub(new DistillCapture(answer.prompt(), null, edited,
                new DistillCapture.Correction(answer.answer(), null), null, null, null, answer.id(), answer.version()));
        if (clean == null) {
            return "not stored: it still looks like it contains a secret after scrubbing";
        }
        long stored = distill.add(List.of(clean), ORIGIN, Times.now()).get(0);
        return stored > 0 ? "stored" : "duplicate";
    }
}
