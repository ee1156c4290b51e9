package dev.sam.collect.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits markdown into sections at headings (ATX {@code ## Title} and setext underlines, CommonMark
 * §4.2–4.3), ignoring headings inside fenced code blocks and YAML front matter. A section with almost no
 * text of its own (an "Installation" heading whose content sits in subsections) takes its subsections'
 * text, so that it still answers its question.
 *
 * <pre>List&lt;MarkdownSplitter.Section&gt; sections = MarkdownSplitter.split(markdown);</pre>
 */
public final class MarkdownSplitter {
    /** Own text shorter than this borrows the subsections' text. */
    static final int MIN_OWN_CHARS = 80;

    private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```+|~~~+)");
    private static final Pattern SETEXT = Pattern.compile("^ {0,3}(=+|-+)\\s*$");

    private MarkdownSplitter() {
    }

    /**
     * A section: its heading path (outermost first; empty for text before the first heading), its level
     * (0 for that text) and its body.
     */
    public record Section(List<String> path, int level, String body) {
        public String title() {
            return path.isEmpty() ? null : path.get(path.size() - 1);
        }
    }

    private record Heading(int line, int level, String title, int bodyStart) {
    }

    public static List<Section> split(String markdown) {
        String[] lines = markdown.replace("\r\n", "\n").replaceAll("(?s)<!--.*?-->", "").split("\n", -1);
        int start = frontMatterEnd(lines);
        List<Heading> headings = new ArrayList<>();
        String fence = null;
        for (int i = start; i < lines.length; i++) {
            Matcher f = FENCE.matcher(lines[i]);
            if (f.find()) {
                String mark = f.group(1).substring(0, 3);
                fence = fence == null ? mark : fence.equals(mark) ? null : fence;
                continue;
            }
            if (fence != null) {
                continue;
            }
            Matcher a = ATX.matcher(lines[i]);
            if (a.matches()) {
                headings.add(new Heading(i, a.group(1).length(), clean(a.group(2)), i + 1));
            } else if (i + 1 < lines.length && !lines[i].isBlank() && SETEXT.matcher(lines[i + 1]).matches()
                    && (i == start || lines[i - 1].isBlank()) && !lines[i].strip().startsWith("-")
                    && !lines[i].strip().startsWith("|")) {
                headings.add(new Heading(i, lines[i + 1].strip().startsWith("=") ? 1 : 2, clean(lines[i]), i + 2));
                i++;
            }
        }
        List<Section> out = new ArrayList<>();
        int firstHeading = headings.isEmpty() ? lines.length : headings.get(0).line();
        String preamble = join(lines, start, firstHeading).strip();
        if (!preamble.isEmpty()) {
            out.add(new Section(List.of(), 0, preamble));
        }
        List<String> path = new ArrayList<>();
        List<Integer> levels = new ArrayList<>();
        // A single level-1 heading is the document's title, not part of every section's name.
        boolean titled = headings.stream().filter(x -> x.level() == 1).count() == 1 && headings.get(0).level() == 1;
        for (int h = 0; h < headings.size(); h++) {
            Heading hd = headings.get(h);
            while (!levels.isEmpty() && levels.get(levels.size() - 1) >= hd.level()) {
                levels.remove(levels.size() - 1);
                path.remove(path.size() - 1);
            }
            path.add(hd.title());
            levels.add(hd.level());
            List<String> name = titled && h > 0 ? path.subList(1, path.size()) : path;
            int ownEnd = h + 1 < headings.size() ? headings.get(h + 1).line() : lines.length;
            String body = join(lines, hd.bodyStart(), ownEnd).strip();
            if (body.length() < MIN_OWN_CHARS) {
                int subtreeEnd = lines.length;
                int children = 0;
                for (int k = h + 1; k < headings.size(); k++) {
                    if (headings.get(k).level() <= hd.level()) {
                        subtreeEnd = headings.get(k).line();
                        break;
                    }
                    children++;
                }
                // with one subsection the subsection answers for itself; only a group of them adds anything
                if (children >= 2) {
                    body = join(lines, hd.bodyStart(), subtreeEnd).strip();
                }
            }
            out.add(new Section(List.copyOf(name), hd.level(), body));
        }
        return out;
    }

    private static int frontMatterEnd(String[] lines) {
        if (lines.length > 0 && lines[0].strip().equals("---")) {
            for (int i = 1; i < lines.length && i < 200; i++) {
                if (lines[i].strip().equals("---") || lines[i].strip().equals("...")) {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    /** Heading text without markdown emphasis, links and trailing colons. */
    /**
     * Heading text without markup: images dropped, links and reference links reduced to their text, HTML
     * tags (GitHub READMEs' {@code <a name="x"></a>} anchors) and entities removed, kramdown/pandoc
     * {@code {#id}} attributes and emphasis stripped — a question built from it reads like plain words.
     */
    static String clean(String title) {
        return title.replaceAll("!\\[[^]]*]\\([^)]*\\)", "")
                .replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1")
                .replaceAll("\\[([^]]*)]\\[[^]]*]", "$1")
                .replaceAll("</?[A-Za-z][^>]*>", "")
                .replaceAll("\\{#[^}]*}", "")
                .replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replaceAll("&#?\\w+;", "")
                .replaceAll("[*`]|(?<!\\w)_+|_+(?!\\w)", "")
                .replaceAll("\\s+", " ")
                .replaceAll(":\\s*$", "").strip();
    }

    private static String join(String[] lines, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to && i < lines.length; i++) {
            sb.append(lines[i]).append('\n');
        }
        return sb.toString();
    }
}
