package dev.sam.core.sample;

/**
 * Why a line is not a usable sample: {@code code} is the snake_case reject reason sam-collect counts in
 * manifest.json, {@code label} the category the trainer's load report counts, {@code message} the detail
 * shown with the file and line.
 */
public record SampleProblem(String code, String label, String message) {
    public static final String MISSING_FIELD = "missing_field";
    public static final String EMPTY = "empty";
    public static final String TOO_SHORT = "too_short";
    public static final String TOO_LONG = "too_long";
    public static final String LOW_QUALITY = "low_quality";
    /** Not a sample of any known shape (the reader's own problems). */
    public static final String INVALID = "invalid_sample";

    static SampleProblem of(String code, String label, String message) {
        return new SampleProblem(code, label, message);
    }
}
