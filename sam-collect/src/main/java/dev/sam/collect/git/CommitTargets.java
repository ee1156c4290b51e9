package dev.sam.collect.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.collect.Reasons;
import dev.sam.collect.quality.SampleText;
import dev.sam.collect.store.DataMigration;
import dev.sam.core.json.Json;
import dev.sam.core.model.Sample;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The migration of commit samples collected before targets were cleaned: each stored commit message
 * goes through the rules new ones go through — release-tool and bot messages are dropped (counted by
 * reason), refs, trailers and a configured ticket prefix move from the output to {@code meta}, and a
 * message left saying nothing is dropped as trivial. A cleaned sample gets the id of its new content;
 * two that become the same sample are kept once (counted as duplicates). Lines that are not SAM commit
 * samples (hand-written, other formats) are kept as they are.
 *
 * <pre>DataMigration.Outcome o = new CommitTargets(ticket).rewrite(jsonLine);</pre>
 */
public final class CommitTargets implements DataMigration.Rewriter {
    /** The manifest's name of this migration; a new rule set gets a new name and runs once more. */
    public static final String MIGRATION = "clean-commit-targets-1";

    private final Pattern ticket;
    private final Set<String> kept = new HashSet<>();

    /** @param ticketPrefix collect.ticket_prefix, or null */
    public CommitTargets(String ticketPrefix) {
        this.ticket = CommitMessage.ticketPattern(ticketPrefix);
    }

    @Override
    public DataMigration.Outcome rewrite(String line) {
        ObjectNode n;
        try {
            JsonNode t = Json.mapper().readTree(line);
            if (t == null || !t.isObject() || !t.path("output").isTextual() || !t.path("instruction").isTextual()) {
                return new DataMigration.Outcome(line, null);
            }
            n = (ObjectNode) t;
        } catch (IOException e) {
            return new DataMigration.Outcome(line, null);
        }
        String output = n.get("output").asText();
        String tool = ToolCommits.reason(null, null, output);
        if (tool != null) {
            return new DataMigration.Outcome(null, tool);
        }
        CommitMessage m = CommitMessage.of(output, ticket);
        if (!m.target().equals(output) && CommitFilters.isTrivial(m.target())) {
            return new DataMigration.Outcome(null, Reasons.TRIVIAL_MESSAGE);
        }
        String result = line;
        if (!m.target().equals(output)) {
            n.put("output", m.target());
            ObjectNode meta = n.path("meta").isObject() ? (ObjectNode) n.get("meta") : n.putObject("meta");
            for (Map.Entry<String, List<String>> e : m.removed().entrySet()) {
                ArrayNode a = meta.putArray("removed_" + e.getKey());
                e.getValue().forEach(a::add);
            }
            meta.put("migrated", MIGRATION);
            result = null;
        }
        String hash;
        try {
            hash = SampleText.of(Json.mapper().treeToValue(n, Sample.class)).exactHash();
        } catch (IOException | IllegalArgumentException e) {
            return new DataMigration.Outcome(line, null);
        }
        if (!kept.add(hash)) {
            return new DataMigration.Outcome(null, Reasons.DUPLICATE);
        }
        if (result == null) {
            if (n.has("id")) {
                n.put("id", hash.substring(0, 16));
            }
            result = Json.write(n);
        }
        return new DataMigration.Outcome(result, null);
    }
}
