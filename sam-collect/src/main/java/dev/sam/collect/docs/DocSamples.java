package dev.sam.collect.docs;

import dev.sam.core.model.Sample;
import dev.sam.core.sample.SampleOrigin;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a markdown section into a question/answer sample: the question comes from the heading (as is
 * when it is one, from a template for common headings such as Installation or Configuration, else "what
 * does the documentation say about …") and always names the project; the answer is the section's text.
 */
final class DocSamples {
    static final int MIN_CHARS = 60;
    static final int MIN_WORDS = 8;
    /** Longer sections are cut at a paragraph break (about 1,500 tokens). */
    static final int MAX_CHARS = 6000;
    private static final Pattern QUESTION_WORD = Pattern.compile("(?i)^(how|what|why|when|where|which|who|can|should"
            + "|does|do|is|are)\\b.*");
    private static final Map<String, String> TEMPLATES = new LinkedHashMap<>();

    static {
        TEMPLATES.put("install|installation|installing|setup|set up|getting started|quick ?start|quickstart|prerequisites"
                + "|requirements", "How do I install and set up %s?");
        TEMPLATES.put("usage|how to use|using|use|examples?|tutorial", "How do I use %s?");
        TEMPLATES.put("config|configuration|configuring|settings|options|environment variables",
                "How is %s configured?");
        TEMPLATES.put("troubleshooting|faq|common (issues|problems)|known issues", "How do I troubleshoot problems with %s?");
        TEMPLATES.put("architecture|design|overview|how it works|internals", "How is %s designed, and how does it work?");
        TEMPLATES.put("api|api reference|reference|endpoints|commands|cli", "What is the interface of %s?");
        TEMPLATES.put("testing|tests|running tests|test", "How are the tests of %s run?");
        TEMPLATES.put("build|building|compiling|development", "How do I build %s from source?");
        TEMPLATES.put("deploy|deployment|deploying|release|releasing", "How is %s deployed and released?");
        TEMPLATES.put("contributing|contribute|how to contribute", "How do I contribute to %s?");
    }

    private DocSamples() {
    }

    /** The sample, or null when the section is too short to answer anything. */
    static Sample of(String project, String file, MarkdownSplitter.Section s) {
        String body = cut(s.body());
        if (body.length() < MIN_CHARS || body.split("\\s+").length < MIN_WORDS) {
            return null;
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("project", project);
        meta.put("file", file);
        if (!s.path().isEmpty()) {
            meta.put("section", String.join(" > ", s.path()));
        }
        return Sample.alpaca(null, null, quality(s, body), null, question(project, file, s), "", body, meta)
                .withOrigin(SampleOrigin.doc(project, file, String.join(" > ", s.path())));
    }

    static String question(String project, String file, MarkdownSplitter.Section s) {
        String title = s.title();
        if (title == null || s.level() == 1 && s.path().size() == 1 && isReadme(file)) {
            if (!isReadme(file)) {
                return "Summarize the introduction of " + file + " in the " + project + " project.";
            }
            int slash = file.lastIndexOf('/');
            return slash < 0 ? "What is the " + project + " project, and what is it for?"
                    : "What is in " + file.substring(0, slash) + "/ of the " + project + " project, and what is it for?";
        }
        if (title.endsWith("?")) {
            return title + " (in the " + project + " project)";
        }
        if (QUESTION_WORD.matcher(title).matches()) {
            return title + "? (in the " + project + " project)";
        }
        if (s.path().size() <= 2) {
            String key = title.toLowerCase(Locale.ROOT).replaceAll("^\\d+(\\.\\d+)*\\.?\\s*", "");
            for (Map.Entry<String, String> t : TEMPLATES.entrySet()) {
                if (key.matches("(?:" + t.getKey() + ")(?:\\W.*)?")) {
                    return String.format(t.getValue(), project);
                }
            }
        }
        return "What does the documentation of the " + project + " project say about \"" + String.join(" > ", s.path())
                + "\"?";
    }

    static double quality(MarkdownSplitter.Section s, String body) {
        String[] lines = body.split("\n");
        long linky = java.util.Arrays.stream(lines).map(String::strip)
                .filter(l -> l.startsWith("[![") || l.startsWith("![") || l.matches("^[-*+]\\s*\\[[^]]*]\\([^)]*\\)\\s*$"))
                .count();
        double q = 0.5;
        if (body.split("\\s+").length >= 40) {
            q += 0.1;
        }
        if (body.contains("```") || body.contains("`")) {
            q += 0.1;
        }
        if (s.level() >= 2) {
            q += 0.05;
        }
        if (linky * 2 > lines.length) {
            q -= 0.35;
        }
        return Math.round(Math.max(0, Math.min(1, q)) * 100) / 100.0;
    }

    private static boolean isReadme(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return name.startsWith("readme");
    }

    private static String cut(String body) {
        if (body.length() <= MAX_CHARS) {
            return body;
        }
        int cut = body.lastIndexOf("\n\n", MAX_CHARS);
        return (cut > MAX_CHARS / 2 ? body.substring(0, cut) : body.substring(0, MAX_CHARS)).strip();
    }

}
