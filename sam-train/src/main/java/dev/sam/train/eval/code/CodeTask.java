package dev.sam.train.eval.code;

import java.util.Locale;

/**
 * One programming task of the code suite: what the model is asked ({@code prompt}), a reference
 * {@code solution} (proves the tests are passable) and the unit {@code tests} its answer must pass —
 * Python: statements run after the answer (asserts); Java: the body of a {@code main} that calls
 * {@code Solution}'s methods through {@code check(condition, "what")}.
 */
public record CodeTask(String id, String language, String prompt, String solution, String tests) {
    public static final String PYTHON = "python";
    public static final String JAVA = "java";

    /** The request sent to the model: the task and the expected answer format. */
    public String request() {
        return prompt + "\nAnswer with the complete code in one ```" + language + " block.";
    }

    /** "Python" / "Java", for messages. */
    public String languageName() {
        return language.substring(0, 1).toUpperCase(Locale.ROOT) + language.substring(1);
    }
}
