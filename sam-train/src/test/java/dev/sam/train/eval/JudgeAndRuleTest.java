package dev.sam.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sam.core.config.SamConfig;
import dev.sam.core.json.Json;
import dev.sam.train.adapters.Check;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The judge against a real HTTP server on 127.0.0.1 with fixed preferences (it prefers the answer that
 * contains a word), driving the blessing verdict both ways; an unreachable judge, a judge answering
 * garbage and a missing API key give clear rows and leave the other rules to decide.
 */
class JudgeAndRuleTest {
    private static final Pattern ANSWERS = Pattern.compile("Answer A:\\n(.*)\\n\\nAnswer B:\\n(.*)\\n\\nWhich",
            Pattern.DOTALL);
    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> authorizations = new ArrayList<>();

    /** Starts a judge whose reply to (answer A, answer B) is {@code verdict}. */
    private String judge(Function<String[], String> verdict) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            calls.incrementAndGet();
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            JsonNode req = Json.mapper().readTree(ex.getRequestBody());
            String user = req.path("messages").path(1).path("content").asText();
            Matcher m = ANSWERS.matcher(user);
            String reply = m.find() ? verdict.apply(new String[] {m.group(1), m.group(2)}) : "??";
            byte[] body = reply.startsWith("RAW:") ? reply.substring(4).getBytes(StandardCharsets.UTF_8)
                    : Json.write(Map.of("choices", List.of(Map.of("message", Map.of("role", "assistant",
                    "content", reply))))).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static List<PairwiseJudge.Pair> pairs(int n) {
        List<PairwiseJudge.Pair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new PairwiseJudge.Pair("Write helper " + i, "candidate answer " + i + " GOOD",
                    "active answer " + i + " MEH"));
        }
        return out;
    }

    static SamConfig.Judge config(String url, String keyEnv) {
        return new SamConfig.Judge(url, "judge-model", keyEnv, 5, 16);
    }

    static String prefer(String[] ab, String word) {
        return ab[0].contains(word) ? "A" : ab[1].contains(word) ? "B" : "T";
    }

    static ModelMetrics metrics(String who, double loss, double acc) {
        return new ModelMetrics(who, loss, acc, 100, Map.of("commits", new ModelMetrics.SourceMetrics(4, loss, acc, 4,
                0.25, 0.5)), 0.5, 4, 2);
    }

    /** The rule with every other input passing: candidate beats base and active, metrics equal. */
    static BlessingRule.Decision decide(JudgeResult j) {
        return BlessingRule.decide(new BlessingRule.Inputs(List.of(Check.passed("files", "ok"),
                Check.passed("generation", "ok")), true, metrics("candidate", 1.0, 0.5), metrics("base", 2.0, 0.3),
                metrics("active", 1.1, 0.5), "v1.0.0", 0.01, j, 0.05));
    }

    @Test
    void aJudgePreferringTheCandidateLetsItBeBlessedAndOnePreferringTheActiveVersionDecidesAgainst() throws Exception {
        String url = judge(ab -> prefer(ab, "GOOD"));
        JudgeResult good = new PairwiseJudge(config(url, null), Map.of()).judge(pairs(8));
        assertEquals(JudgeResult.MEASURED, good.status());
        assertEquals(8, good.candidateWins());
        assertEquals(0, good.activeWins());
        assertEquals(16, calls.get(), "every prompt judged in both orders");
        assertEquals(2 * Math.pow(0.5, 8), good.pValue(), 1e-12);
        BlessingRule.Decision yes = decide(good);
        assertTrue(yes.blessed(), yes.reason());
        assertEquals(BlessingRule.ALL_PASSED, yes.decidedBy());
        stop();

        String url2 = judge(ab -> prefer(ab, "MEH"));
        JudgeResult bad = new PairwiseJudge(config(url2, null), Map.of()).judge(pairs(8));
        assertEquals(8, bad.activeWins());
        assertTrue(bad.prefersActive());
        BlessingRule.Decision no = decide(bad);
        assertFalse(no.blessed());
        assertEquals("judge", no.decidedBy());
        assertTrue(no.reason().startsWith("the judge prefers active version v1.0.0 significantly"), no.reason());
    }

    @Test
    void aPositionBiasedJudgeCancelsOutAndFewWinsAreNotSignificant() throws Exception {
        String url = judge(ab -> "A");
        JudgeResult r = new PairwiseJudge(config(url, null), Map.of()).judge(pairs(6));
        assertEquals(6, r.ties());
        assertEquals(0, r.candidateWins() + r.activeWins());
        assertFalse(r.prefersActive());
        assertTrue(decide(r).blessed());
        // 4 to 1 for the active version: p = 2 * (1 + 5) / 32 = 0.375, not significant
        assertEquals(0.375, JudgeResult.signTest(1, 4), 1e-12);
        assertFalse(JudgeResult.measured(5, 1, 4, 0, 0).prefersActive());
        assertTrue(JudgeResult.measured(9, 0, 9, 0, 0).prefersActive());
    }

    @Test
    void anUnreachableJudgeIsARowNotACrashAndDoesNotDecide() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        JudgeResult r = new PairwiseJudge(config("http://127.0.0.1:" + port + "/v1", null), Map.of()).judge(pairs(2));
        assertEquals(JudgeResult.UNAVAILABLE, r.status());
        assertTrue(r.detail().startsWith("cannot reach the judge at http://127.0.0.1:" + port + "/v1/chat/completions"),
                r.detail());
        assertEquals(null, r.pValue());
        BlessingRule.Decision d = decide(r);
        assertTrue(d.blessed());
        RuleOutcome judgeRule = d.rules().stream().filter(o -> o.rule().equals("judge")).findFirst().orElseThrow();
        assertEquals(RuleOutcome.NOT_APPLICABLE, judgeRule.outcome());
        assertTrue(judgeRule.detail().startsWith("judge unavailable: cannot reach"), judgeRule.detail());
    }

    @Test
    void garbageAnswersAndAMissingKeyAreSaidPlainly() throws Exception {
        String url = judge(ab -> "Both answers have merit, hard to say.");
        JudgeResult r = new PairwiseJudge(config(url, null), Map.of()).judge(pairs(3));
        assertEquals(JudgeResult.NO_VERDICT, r.status());
        assertTrue(r.detail().contains("never answered with A, B or T"), r.detail());
        assertTrue(r.detail().contains("Both answers have merit"), r.detail());
        stop();

        String raw = judge(ab -> "RAW:{not json");
        assertEquals(JudgeResult.NO_VERDICT, new PairwiseJudge(config(raw, null), Map.of()).judge(pairs(1)).status());
        stop();

        String keyed = judge(ab -> prefer(ab, "GOOD"));
        JudgeResult noKey = new PairwiseJudge(config(keyed, "SAM_TEST_JUDGE_KEY"), Map.of()).judge(pairs(1));
        assertEquals(JudgeResult.UNAVAILABLE, noKey.status());
        assertEquals("environment variable SAM_TEST_JUDGE_KEY (eval.judge.api_key_env) is not set", noKey.detail());
        JudgeResult withKey = new PairwiseJudge(config(keyed, "SAM_TEST_JUDGE_KEY"), Map.of("SAM_TEST_JUDGE_KEY",
                "sekret")).judge(pairs(1));
        assertEquals(JudgeResult.MEASURED, withKey.status());
        assertTrue(authorizations.contains("Bearer sekret"), authorizations.toString());
        // answers are read leniently: "B.", "**A**", "Answer B", "tie"
        stop();
        List<String> replies = List.of("B.", "**A**", "Answer B", "tie");
        AtomicInteger k = new AtomicInteger();
        String lenient = judge(ab -> replies.get(k.getAndIncrement() % replies.size()));
        JudgeResult l = new PairwiseJudge(config(lenient, null), Map.of()).judge(pairs(2));
        assertEquals(0, l.invalid());
        assertEquals(1, l.activeWins(), "B then A: active preferred in both orders");
        assertEquals(1, l.ties(), "B then tie");
    }

    @Test
    void theRuleNamesTheFirstFailedRule() {
        List<Check> ok = List.of(Check.passed("files", "ok"));
        JudgeResult none = JudgeResult.without(JudgeResult.NOT_CONFIGURED, "set eval.judge.url");
        BlessingRule.Decision worseThanBase = BlessingRule.decide(new BlessingRule.Inputs(ok, true,
                metrics("c", 2.5, 0.5), metrics("b", 2.0, 0.3), null, null, 0.01, none, 0.05));
        assertEquals("beats_base", worseThanBase.decidedBy());
        BlessingRule.Decision worseTask = BlessingRule.decide(new BlessingRule.Inputs(ok, true,
                metrics("c", 1.0, 0.40), metrics("b", 2.0, 0.3), metrics("a", 1.1, 0.5), "v1.0.0", 0.01, none, 0.05));
        assertEquals("task_metrics", worseTask.decidedBy());
        assertTrue(worseTask.reason().contains("accuracy 0.400 < 0.500"), worseTask.reason());
        BlessingRule.Decision withinTolerance = BlessingRule.decide(new BlessingRule.Inputs(ok, true,
                metrics("c", 1.0, 0.46), metrics("b", 2.0, 0.3), metrics("a", 1.1, 0.5), "v1.0.0", 0.01, none, 0.05));
        assertTrue(withinTolerance.blessed(), withinTolerance.reason());
        BlessingRule.Decision repetitive = BlessingRule.decide(new BlessingRule.Inputs(ok, true,
                metrics("c", 1.0, 0.5), metrics("b", 2.0, 0.3), null, null, 0.08, none, 0.05));
        assertEquals("repetition", repetitive.decidedBy());
        BlessingRule.Decision noHeldOut = BlessingRule.decide(new BlessingRule.Inputs(ok, false,
                metrics("c", 1.0, 0.5), metrics("b", 2.0, 0.3), null, null, 0.01, none, 0.05));
        assertEquals("held_out", noHeldOut.decidedBy());
        assertEquals(List.of("checks", "held_out", "beats_base", "beats_active", "preference", "task_metrics",
                "repetition", "judge"), noHeldOut.rules().stream().map(RuleOutcome::rule).toList());
    }

    /** Issue 16: a run trained with preference pairs must not prefer worse than the active version. */
    @Test
    void aPreferenceTrainedRunNeedsTheActiveVersionsPreferenceAccuracy() {
        List<Check> ok = List.of(Check.passed("files", "ok"));
        JudgeResult none = JudgeResult.without(JudgeResult.NOT_CONFIGURED, "set eval.judge.url");
        java.util.function.Function<EvalReport.Preference, BlessingRule.Decision> decide = p -> BlessingRule.decide(
                new BlessingRule.Inputs(ok, true, metrics("c", 1.0, 0.5), metrics("b", 2.0, 0.3), metrics("a", 1.1, 0.5),
                        "v1.0.0", 0.01, none, 0.05, p));
        BlessingRule.Decision worse = decide.apply(new EvalReport.Preference("held-out pairs", 20, 0.70, 0.85));
        assertEquals("preference", worse.decidedBy());
        assertTrue(worse.reason().contains("0.700 is below active version v1.0.0's 0.850 on 20 pairs"), worse.reason());
        assertTrue(decide.apply(new EvalReport.Preference("held-out pairs", 20, 0.85, 0.85)).blessed(), "a tie passes");
        assertTrue(decide.apply(new EvalReport.Preference("held-out pairs", 20, 0.95, 0.60)).blessed());
        assertTrue(decide.apply(null).blessed(), "not trained with pairs: not applicable");
        BlessingRule.Decision chance = BlessingRule.decide(new BlessingRule.Inputs(ok, true, metrics("c", 1.0, 0.5),
                metrics("b", 2.0, 0.3), null, null, 0.01, none, 0.05, new EvalReport.Preference("held-out pairs", 10,
                0.5, null)));
        assertEquals("preference", chance.decidedBy(), "without an active version: better than chance");
    }
}
