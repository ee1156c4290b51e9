package dev.sam.train.eval.code;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code in a model's answer: the first fenced block tagged with the task's language, else the first
 * fenced block, else the whole answer (a model may answer with bare code).
 */
final class CodeAnswers {
    private static final Pattern FENCE = Pattern.compile("```[ \\t]*([A-Za-z0-9_+-]*)[^\\n]*\\n(.*?)(?:```|\\z)",
            Pattern.DOTALL);

    private CodeAnswers() {
    }

    static String extract(String answer, String language) {
        if (answer == null) {
            return "";
        }
        Matcher m = FENCE.matcher(answer);
        String first = null;
        while (m.find()) {
            String tag = m.group(1).toLowerCase(java.util.Locale.ROOT);
            if (tag.equals(language) || (language.equals(CodeTask.PYTHON) && tag.equals("py"))) {
                return m.group(2);
            }
            if (first == null) {
                first = m.group(2);
            }
        }
        return first != null ? first : answer;
    }
}
