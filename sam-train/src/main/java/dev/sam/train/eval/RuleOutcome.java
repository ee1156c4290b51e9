package dev.sam.train.eval;

/** One rule of the blessing decision: "pass", "fail" or "not applicable", and why. */
public record RuleOutcome(String rule, String outcome, String detail) {
    public static final String PASS = "pass";
    public static final String FAIL = "fail";
    public static final String NOT_APPLICABLE = "not applicable";

    boolean failed() {
        return outcome.equals(FAIL);
    }
}
