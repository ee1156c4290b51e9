package dev.sam.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.store.Database;
import dev.sam.serve.metrics.MetricsWriter;
import dev.sam.core.store.RequestRecord;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A SAM home for `sam cycle` tests: the tiny model (`sam model init-tiny`), a real git repository in
 * collect.repos that gains commits between cycles, captured "say hello" sessions (so the tiny model learns
 * to answer briefly and deploy's generation check passes), and a profile of seconds per run whose steps
 * follow the data (epochs, not a step count: a cycle trains on a few dozen new and replayed samples).
 * The repository's commits change plain-text rule files and its README: commit and doc samples only, as
 * in the pipeline test's `--source commits,docs` (a 200K-parameter model trained on Java sources for
 * seconds loops on the generation check's coding prompts). Evaluation answers no slice commits
 * ({@code eval.commit_generations: 0}): the frozen slice of the first cycle holds about three commits, so
 * exact match and chrF move in steps of a third and the "no task metric worse than the active version" rule
 * would refuse runs by a coin flip; blessing still needs the generation check (built-in and held-out
 * prompts) and a held-out loss that beats the active version.
 */
final class CycleHome {
    final Path root;
    final Path repo;
    final CliRunner sam;
    private int commits;
    private long seed = 1;
    private double learningRate = 0.005;
    private int rank = 8;
    private int epochs;
    private final String cycleYaml;

    CycleHome(Path tmp, int commits, int epochs, String cycleYaml) throws Exception {
        this.root = tmp.resolve("home");
        this.sam = new CliRunner(root);
        this.epochs = epochs;
        this.cycleYaml = cycleYaml;
        ok("model", "init-tiny", "--json");
        this.repo = tmp.resolve("shop");
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            Files.writeString(repo.resolve("README.md"), "# shop-rules\n\nValidation rules for the shop's records, one"
                    + " file per rule.\n\n## Adding a rule\n\nAdd a file under rules/ saying what a record needs.\n");
        }
        addCommits(commits);
        writeConfig();
        ok("distill", "import", PipelineE2ECliTest.sessions(tmp.resolve("sessions.jsonl"), 120).toString(), "--json");
    }

    void writeConfig() throws Exception {
        Files.writeString(root.resolve("config.yaml"), """
                training:
                  min_samples: 10
                  default_profile: tiny
                  profiles:
                    tiny:
                      base_model: tiny
                      lora_layers: -1
                      rank: %d
                      alpha: 16
                      batch_size: 4
                      grad_accum: 1
                      learning_rate: %s
                      lr_schedule: cosine
                      warmup_steps: 5
                      max_seq_length: 128
                      epochs: %d
                      max_steps: 0
                      targets: [q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj]
                      checkpoint_every: 200
                      eval_every: 200
                      seed: %d
                eval:
                  commit_generations: 0
                collect:
                  repos: ['%s']
                cycle:
                %s""".formatted(rank, learningRate, epochs, seed, repo, cycleYaml.indent(2)));
    }

    /** Another LoRA rank: the active version's adapters no longer fit, the run starts from fresh ones. */
    void rank(int r) throws Exception {
        rank = r;
        writeConfig();
    }

    /**
     * The profile of the cycles that continue from the active version: a few epochs at a lower rate (a few
     * dozen new and replayed samples, trained hard from a good start, overfit and lose to it).
     */
    void continuing() throws Exception {
        epochs = 3;
        learningRate = 0.001;
        writeConfig();
    }

    /**
     * Commits number {@code commits} on: each adds one rule file, with a message naming its kind. The message
     * says nothing the diff's visible lines do not (no file number): evaluation generates on held-out commits,
     * and a subject ending in a number the tiny model cannot know left it looping ("rule queue rule queue").
     * Noun and length repeat together only after 126 commits, so no two commits' samples are near-duplicates
     * (which collect would drop, and the cycle's sample counts would no longer be the commits').
     */
    void addCommits(int n) throws Exception {
        String[] nouns = {"invoice", "customer", "order", "payment", "report", "session", "voucher", "cache", "queue"};
        try (Git git = Git.open(repo.toFile())) {
            for (int i = commits; i < commits + n; i++) {
                String noun = nouns[i % nouns.length];
                Path f = Files.createDirectories(repo.resolve("rules")).resolve(noun + "-" + i + ".txt");
                Files.writeString(f, "A " + noun + " name needs at least " + (i / nouns.length % 14 + 1)
                        + " characters.\n");
                git.add().addFilepattern(".").call();
                PersonIdent who = new PersonIdent("Dev", "dev@example.com", Instant.ofEpochSecond(1_700_000_000L + i * 60L),
                        ZoneOffset.UTC);
                git.commit().setMessage("Add the " + noun + " rule")
                        .setAuthor(who).setCommitter(who).setSign(false).call();
            }
        }
        commits += n;
    }

    JsonNode ok(String... args) throws Exception {
        CliRunner.Result r = sam.run(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + "\n" + r);
        assertFalse(r.stderr().contains("\tat "), r.stderr());
        return Json.mapper().readTree(r.stdout());
    }

    JsonNode cycle() throws Exception {
        return ok("cycle", "--json");
    }

    /**
     * `sam cycle` until its run is deployed ({@code outcome}); a run the tiny model trained into a loop on
     * deploy's prompts (refused) or that lost to the active version is retried with the next seed, which
     * changes the training settings (a cycle never retrains the same data with the same settings).
     */
    JsonNode cycleDeploying(String outcome) throws Exception {
        List<String> tried = new ArrayList<>();
        for (int attempt = 0; attempt < 4; attempt++) {
            JsonNode c = cycle();
            if (c.get("outcome").asText().equals(outcome)) {
                return c;
            }
            tried.add(c.get("outcome").asText() + ": " + c.get("message").asText());
            System.out.println("cycle did not deploy, next seed: " + tried.get(tried.size() - 1));
            seed++;
            writeConfig();
        }
        return fail("4 cycles in a row did not end in " + outcome + ": " + tried);
    }

    /** {@code n} finished requests of {@code version} as sam serve records them ({@code ok} or failed). */
    void served(String version, int n, boolean ok) {
        try (Database db = Database.open(SamHome.of(root).database()); MetricsWriter w = MetricsWriter.start(db, 20)) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < n; i++) {
                w.record(new RequestRecord(now + i, version, "chat.completions", ok, 150, 300L << 20, 12L));
            }
            w.flush();
        }
    }

    JsonNode versions() throws Exception {
        return ok("list", "--json").get("versions");
    }

    long count(String status) throws Exception {
        long n = 0;
        for (JsonNode v : versions()) {
            n += v.get("status").asText().equals(status) ? 1 : 0;
        }
        return n;
    }
}
