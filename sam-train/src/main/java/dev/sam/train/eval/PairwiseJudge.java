package dev.sam.train.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.config.SamConfig;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The optional judge (the original pipeline's coherence check, done pairwise): an OpenAI-compatible chat
 * endpoint ({@code POST <url>/chat/completions}) is shown a prompt of the slice with two answers and asked
 * which is better. Every prompt is judged twice with the answers swapped, and a preference counts only
 * when it survives the swap — the position-bias control of Zheng et al. (2023), "Judging LLM-as-a-Judge
 * with MT-Bench and Chatbot Arena". An endpoint that cannot be reached or answers with an HTTP error
 * makes the whole result "judge unavailable"; answers that are not A, B or a tie are counted as unusable.
 *
 * <pre>JudgeResult r = new PairwiseJudge(config.eval().judge(), System.getenv()).judge(pairs);</pre>
 */
final class PairwiseJudge {
    static final String SYSTEM = "You compare two answers of a coding assistant to the same request. Judge correctness"
            + " first, then clarity. Reply with exactly one letter: A if answer A is better, B if answer B is better,"
            + " T if they are equally good.";
    private static final Pattern VERDICT = Pattern.compile("^[\\W_]*(?:answer\\s+)?(a|b|t|tie)\\b",
            Pattern.CASE_INSENSITIVE);

    /** One prompt with the candidate's and the active version's answers. */
    record Pair(String prompt, String candidate, String active) {
    }

    private final SamConfig.Judge config;
    private final Map<String, String> env;
    private final HttpClient http;

    PairwiseJudge(SamConfig.Judge config, Map<String, String> env) {
        this.config = config;
        this.env = env;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(Math.min(10, config.timeoutSeconds())))
                .build();
    }

    private enum Choice { FIRST, SECOND, TIE, INVALID }

    /** Thrown when the endpoint cannot be used at all. */
    private static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    JudgeResult judge(List<Pair> pairs) {
        String key = null;
        if (config.apiKeyEnv() != null && !config.apiKeyEnv().isBlank()) {
            key = env.get(config.apiKeyEnv());
            if (key == null || key.isBlank()) {
                return JudgeResult.without(JudgeResult.UNAVAILABLE, "environment variable " + config.apiKeyEnv()
                        + " (eval.judge.api_key_env) is not set");
            }
        }
        int cand = 0;
        int active = 0;
        int ties = 0;
        int invalid = 0;
        List<String> unusable = new ArrayList<>();
        try {
            for (Pair p : pairs) {
                Choice first = ask(p.prompt(), p.candidate(), p.active(), key, unusable);   // A = candidate
                Choice second = ask(p.prompt(), p.active(), p.candidate(), key, unusable);  // A = active
                if (first == Choice.INVALID || second == Choice.INVALID) {
                    invalid++;
                } else if (first == Choice.FIRST && second == Choice.SECOND) {
                    cand++;
                } else if (first == Choice.SECOND && second == Choice.FIRST) {
                    active++;
                } else {
                    ties++;
                }
            }
        } catch (Unavailable e) {
            return JudgeResult.without(JudgeResult.UNAVAILABLE, e.getMessage());
        }
        if (!pairs.isEmpty() && invalid == pairs.size()) {
            return JudgeResult.without(JudgeResult.NO_VERDICT, "the judge at " + config.url() + " never answered with"
                    + " A, B or T; first answers: " + unusable.stream().limit(3).toList());
        }
        return JudgeResult.measured(pairs.size(), cand, active, ties, invalid);
    }

    private Choice ask(String prompt, String a, String b, String key, List<String> unusable) throws Unavailable {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", config.model());
        body.put("temperature", 0);
        body.put("max_tokens", 8);
        body.put("messages", List.of(Map.of("role", "system", "content", SYSTEM), Map.of("role", "user", "content",
                "Request:\n" + prompt + "\n\nAnswer A:\n" + a + "\n\nAnswer B:\n" + b + "\n\nWhich answer is better?"
                        + " Reply with A, B or T.")));
        HttpRequest.Builder req = HttpRequest.newBuilder(endpoint()).timeout(Duration.ofSeconds(config.timeoutSeconds()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        if (key != null) {
            req.header("Authorization", "Bearer " + key);
        }
        HttpResponse<String> res;
        try {
            res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable("cannot reach the judge at " + endpoint() + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for the judge");
        }
        if (res.statusCode() / 100 != 2) {
            throw new Unavailable("the judge at " + endpoint() + " answered HTTP " + res.statusCode()
                    + (res.statusCode() == 401 || res.statusCode() == 403 ? " (check the API key in "
                    + config.apiKeyEnv() + ")" : ""));
        }
        String content;
        try {
            JsonNode n = Json.mapper().readTree(res.body());
            content = n.path("choices").path(0).path("message").path("content").asText(null);
        } catch (IOException e) {
            content = null;
        }
        Matcher m = content == null ? null : VERDICT.matcher(content.strip());
        if (m == null || !m.find()) {
            unusable.add(abbreviate(content == null ? res.body() : content));
            return Choice.INVALID;
        }
        return switch (m.group(1).toLowerCase(Locale.ROOT)) {
            case "a" -> Choice.FIRST;
            case "b" -> Choice.SECOND;
            default -> Choice.TIE;
        };
    }

    private URI endpoint() {
        String u = config.url().replaceAll("/+$", "");
        return URI.create(u.endsWith("/chat/completions") ? u : u + "/chat/completions");
    }

    private static String abbreviate(String s) {
        String t = s == null ? "" : s.strip().replaceAll("\\s+", " ");
        return t.length() > 60 ? t.substring(0, 60) + "…" : t;
    }
}
