package dev.sam.collect;

import dev.sam.core.sample.SampleProblem;

/**
 * Why a candidate did not become a sample. These names are the keys of {@code rejects} in
 * manifest.json and in every report; scripts read them, so they never change meaning.
 */
public final class Reasons {
    // commits
    public static final String MERGE = "merge";
    public static final String BOT = "bot";
    /** A squash-merged bot PR: a human's author line, a bot's trailers or body. */
    public static final String BOT_PR = "bot_pr";
    /** A release plugin's or release tool's commit ([maven-release-plugin], chore(release): …). */
    public static final String RELEASE_TOOL = "release_tool";
    public static final String TRIVIAL_MESSAGE = "trivial_message";
    public static final String HUGE_DIFF = "huge_diff";
    public static final String NO_SOURCE_CHANGES = "no_source_changes";
    // any source (the validator's reasons are sam-core's SampleProblem codes)
    public static final String SECRET = "secret";
    public static final String DUPLICATE = "duplicate";
    public static final String NEAR_DUPLICATE = "near_duplicate";
    /** Same normalized prompt as a kept sample, different answer (the first or best-scored is kept). */
    public static final String CONFLICT = "conflict";
    public static final String EMPTY = SampleProblem.EMPTY;
    public static final String MISSING_FIELD = SampleProblem.MISSING_FIELD;
    public static final String TOO_SHORT = SampleProblem.TOO_SHORT;
    public static final String TOO_LONG = SampleProblem.TOO_LONG;
    public static final String LOW_QUALITY = SampleProblem.LOW_QUALITY;
    // inputs
    public static final String INVALID_JSON = "invalid_json";
    public static final String INVALID_UTF8 = "invalid_utf8";
    public static final String UNREADABLE = "unreadable";
    public static final String TOO_LARGE = "too_large";
    public static final String GENERATED = "generated";
    // distillation
    public static final String INVALID_PAIR = "invalid_pair";
    public static final String DUPLICATE_PAIR = "duplicate_pair";
    // routing
    public static final String FAILED_OUTCOME = "failed_outcome";

    private Reasons() {
    }
}
