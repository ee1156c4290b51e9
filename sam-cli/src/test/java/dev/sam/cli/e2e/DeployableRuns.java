package dev.sam.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * `sam train --seed S` until deploy's validation accepts the run. A model of 200K random parameters trained
 * for seconds sometimes loops on deploy's fixed prompts (repetition rate of 5% or more), which even
 * --force does not waive; which seed does so depends on the collected data (a test repository's commit
 * hashes change with the clock) and on the CPU's kernels. The quickstart handles it the same way
 * (TrainStep); these tests are about the pipeline around the run, not about the tiny model's quality.
 */
final class DeployableRuns {
    static final int ATTEMPTS = 4;

    private DeployableRuns() {
    }

    /** The first run from seed {@code firstSeed} on that `sam deploy --dry-run --force` accepts; each is checked first. */
    static JsonNode train(CliRunner sam, int firstSeed, Consumer<JsonNode> check) throws Exception {
        List<String> refused = new ArrayList<>();
        for (int seed = firstSeed; seed < firstSeed + ATTEMPTS; seed++) {
            CliRunner.Result r = sam.run("train", "--seed", String.valueOf(seed), "--json");
            assertEquals(0, r.exitCode(), "train --seed " + seed + "\n" + r);
            JsonNode t = Json.mapper().readTree(r.stdout());
            check.accept(t);
            String id = t.at("/run/run_id").asText();
            CliRunner.Result dry = sam.run("deploy", "--run", id, "--dry-run", "--force", "--json");
            if (dry.exitCode() == 0) {
                return t;
            }
            refused.add(id + " (seed " + seed + "): " + Json.mapper().readTree(dry.stdout()).path("blockers"));
            System.out.println("run " + id + " cannot be deployed, training again: " + refused.get(refused.size() - 1));
        }
        return fail(ATTEMPTS + " runs in a row failed deploy's validation: " + refused);
    }
}
