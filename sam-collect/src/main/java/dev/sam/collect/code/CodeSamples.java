package dev.sam.collect.code;

import dev.sam.core.model.Sample;
import dev.sam.core.sample.SampleOrigin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples one documented symbol yields: "implement this documented function" (doc + signature →
 * code) and "document this function" (code → doc comment in the language's convention). Symbols too
 * long to fit a training sequence yield none.
 */
final class CodeSamples {
    /** Functions longer than this make poor samples for a 512/2048-token model. */
    static final int MAX_FUNCTION_LINES = 80;
    static final int MAX_TYPE_LINES = 120;

    private CodeSamples() {
    }

    static List<Sample> of(CodeSymbol s, String repo, String path) {
        if (!s.documented() || s.lines() > (isType(s.kind()) ? MAX_TYPE_LINES : MAX_FUNCTION_LINES)) {
            return List.of();
        }
        double q = CodeQuality.score(s);
        String what = s.language().display() + " " + s.kind();
        List<Sample> out = new ArrayList<>(2);
        out.add(Sample.alpaca(null, null, q, null,
                "Implement the following " + what + " `" + s.name() + "` as its documentation describes.",
                documentedSignature(s), s.code(), meta(s, repo, path, "implement"))
                .withOrigin(SampleOrigin.code(repo, path, s.name())));
        out.add(Sample.alpaca(null, null, q, null,
                "Write the " + s.language().docStyle() + " for this " + what + ".",
                s.code(), s.doc(), meta(s, repo, path, "document"))
                .withOrigin(SampleOrigin.code(repo, path, s.name())));
        return out;
    }

    /** The doc where the language puts it: above the declaration, or (Python) inside it. */
    private static String documentedSignature(CodeSymbol s) {
        if (s.language() == Language.PYTHON) {
            return s.signature() + "\n" + s.doc().indent(4).stripTrailing();
        }
        return s.doc() + "\n" + s.signature();
    }

    private static boolean isType(String kind) {
        return !kind.equals("function") && !kind.equals("method") && !kind.equals("constructor");
    }

    private static Map<String, Object> meta(CodeSymbol s, String repo, String path, String task) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("language", s.language().id());
        m.put("kind", s.kind());
        m.put("name", s.name());
        m.put("repo", repo);
        m.put("path", path);
        m.put("line", s.startLine());
        return m;
    }
}
