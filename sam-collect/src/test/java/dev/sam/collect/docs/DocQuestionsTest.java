package dev.sam.collect.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Doc questions read like words (no markup) and use several phrasings, chosen stably. */
class DocQuestionsTest {
    @Test
    void headingsLoseAnchorsHtmlLinksAndEmphasis() {
        assertEquals("Using Gson", MarkdownSplitter.clean("<a name=\"TOC-Using-Gson\"></a>Using Gson"));
        assertEquals("Object Examples", MarkdownSplitter.clean("<a id=\"obj\"/>**Object** _Examples_"));
        assertEquals("Configuration", MarkdownSplitter.clean("[Configuration](docs/config.md) {#config}"));
        assertEquals("Logo", MarkdownSplitter.clean("![logo](logo.png) Logo"));
        assertEquals("Reading & writing", MarkdownSplitter.clean("Reading &amp; writing:"));
        assertEquals("max_seq_length", MarkdownSplitter.clean("`max_seq_length`"), "identifiers keep underscores");
        List<MarkdownSplitter.Section> s = MarkdownSplitter.split("# gson\n\n## <a name=\"usage\"></a>Usage\n\nCall "
                + "`new Gson().toJson(obj)` to serialize any object; fields are written in declaration order.\n");
        assertEquals("Usage", s.get(s.size() - 1).title());
    }

    @Test
    void templatesHaveSeveralPhrasingsChosenByProjectNotByFile() {
        MarkdownSplitter.Section usage = new MarkdownSplitter.Section(List.of("Guide", "Usage"), 2, "x");
        DocSamples.Question a = DocSamples.question("gson", "README.md", usage);
        DocSamples.Question b = DocSamples.question("gson", "UserGuide.md", usage);
        assertEquals(a, b, "one question asked twice stays the same words, so a second answer is a conflict");
        assertTrue(a.template().startsWith("docs/usage/"), a.template());
        Set<String> phrasings = new HashSet<>();
        for (String project : List.of("gson", "guava", "okhttp", "retrofit", "jackson", "junit", "mockito", "netty")) {
            phrasings.add(DocSamples.question(project, "README.md", usage).template());
        }
        assertTrue(phrasings.size() >= 2, "several phrasings across projects: " + phrasings);
        Set<String> about = new HashSet<>();
        for (String h : List.of("Serializers", "Null handling", "Versioning", "Streaming", "Type adapters", "Pretty printing")) {
            about.add(DocSamples.question("gson", "UserGuide.md", new MarkdownSplitter.Section(List.of("Guide", "Deep",
                    h), 3, "x")).template());
        }
        assertTrue(about.size() >= 2, "the generic question varies by section: " + about);
    }
}
