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
    /** Heading patterns → template id and phrasings ({p} = project). */
    private static final Map<String, List<String>> TEMPLATES = new LinkedHashMap<>();
    private static final List<String> ABOUT = List.of(
            "What does the documentation of the {p} project say about \"{s}\"?",
            "In the {p} project, what is \"{s}\" about?",
            "Explain \"{s}\" in the {p} project.",
            "What should I know about \"{s}\" in {p}?");

    static {
        TEMPLATES.put("install|installation|installing|setup|set up|getting started|quick ?start|quickstart|prerequisites"
                + "|requirements", List.of("install", "How do I install and set up {p}?", "How do I get started with {p}?",
                "What do I need to install {p}?"));
        TEMPLATES.put("usage|how to use|using|use|examples?|tutorial", List.of("usage", "How do I use {p}?",
                "Show me how to use {p}.", "What is the basic usage of {p}?"));
        TEMPLATES.put("config|configuration|configuring|settings|options|environment variables", List.of("config",
                "How is {p} configured?", "What configuration options does {p} have?", "How do I configure {p}?"));
        TEMPLATES.put("troubleshooting|faq|common (issues|problems)|known issues", List.of("troubleshooting",
                "How do I troubleshoot problems with {p}?", "What are common problems with {p}, and their fixes?"));
        TEMPLATES.put("architecture|design|overview|how it works|internals", List.of("design",
                "How is {p} designed, and how does it work?", "Give an overview of how {p} works."));
        TEMPLATES.put("api|api reference|reference|endpoints|commands|cli", List.of("api",
                "What is the interface of {p}?", "What commands or API does {p} offer?"));
        TEMPLATES.put("testing|tests|running tests|test", List.of("tests", "How are the tests of {p} run?",
                "How do I run the tests of {p}?"));
        TEMPLATES.put("build|building|compiling|development", List.of("build", "How do I build {p} from source?",
                "How do I set up a development build of {p}?"));
        TEMPLATES.put("deploy|deployment|deploying|release|releasing", List.of("deploy",
                "How is {p} deployed and released?", "How do I release or deploy {p}?"));
        TEMPLATES.put("contributing|contribute|how to contribute", List.of("contributing", "How do I contribute to {p}?",
                "What should a contributor to {p} know?"));
    }

    /** A generated question and the id of the template it came from ("docs/usage/1"), for the data report. */
    record Question(String text, String template) {
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
        Question q = question(project, file, s);
        meta.put("template", q.template());
        return Sample.alpaca(null, null, quality(s, body), null, q.text(), "", body, meta)
                .withOrigin(SampleOrigin.doc(project, file, String.join(" > ", s.path())));
    }

    /**
     * The question of a section. A common heading gets one of its template's phrasings, chosen by the
     * template and project (not the file): the same question asked twice stays the same words, so that
     * two answers to it are found as a conflict instead of hiding behind different phrasings.
     */
    static Question question(String project, String file, MarkdownSplitter.Section s) {
        String title = s.title();
        if (title == null || s.level() == 1 && s.path().size() == 1 && isReadme(file)) {
            if (!isReadme(file)) {
                return new Question("Summarize the introduction of " + file + " in the " + project + " project.",
                        "docs/intro");
            }
            int slash = file.lastIndexOf('/');
            return new Question(slash < 0 ? "What is the " + project + " project, and what is it for?"
                    : "What is in " + file.substring(0, slash) + "/ of the " + project + " project, and what is it for?",
                    "docs/readme");
        }
        if (title.endsWith("?")) {
            return new Question(title + " (in the " + project + " project)", "docs/heading-question");
        }
        if (QUESTION_WORD.matcher(title).matches()) {
            return new Question(title + "? (in the " + project + " project)", "docs/heading-question");
        }
        if (s.path().size() <= 2) {
            String key = title.toLowerCase(Locale.ROOT).replaceAll("^\\d+(\\.\\d+)*\\.?\\s*", "");
            for (Map.Entry<String, List<String>> t : TEMPLATES.entrySet()) {
                if (key.matches("(?:" + t.getKey() + ")(?:\\W.*)?")) {
                    List<String> v = t.getValue();
                    int i = pick(v.get(0) + "\u0000" + project, v.size() - 1);
                    return new Question(v.get(1 + i).replace("{p}", project), "docs/" + v.get(0) + "/" + i);
                }
            }
        }
        String path = String.join(" > ", s.path());
        int i = pick(project + "\u0000" + path, ABOUT.size());
        return new Question(ABOUT.get(i).replace("{p}", project).replace("{s}", path), "docs/about/" + i);
    }

    /** A stable choice among n by a string (32-bit FNV-1a, which spreads short similar keys well). */
    static int pick(String key, int n) {
        int h = 0x811c9dc5;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x01000193;
        }
        return Math.floorMod(h, n);
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
