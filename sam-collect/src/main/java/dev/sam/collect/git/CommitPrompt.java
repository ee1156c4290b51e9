package dev.sam.collect.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The instruction of a commit sample: what a developer writing the message knows besides the diff —
 * the repository's subject-line style (measured on its recent subjects) and the files touched — under
 * one of a few phrasings, chosen by the commit id so a re-collection writes the same prompt. One fixed
 * sentence for every commit teaches the model a single prompt; the issue that asked for this counted
 * 54% of a real repository's samples under it.
 *
 * <pre>CommitPrompt p = CommitPrompt.of(repo); String instruction = p.instruction(commitId, paths);</pre>
 */
public final class CommitPrompt {
    static final List<String> PHRASINGS = List.of(
            "Write the commit message for this change.",
            "Write a commit message for the following diff.",
            "Describe this change as a git commit message.",
            "What commit message fits this diff?",
            "Summarize this diff as a commit message.");
    private static final int STYLE_SAMPLE = 300;
    private static final int LISTED_FILES = 8;
    private static final Pattern CONVENTIONAL = Pattern.compile("^[a-z]+(\\([^)]+\\))?!?: .+");

    private final String style;

    CommitPrompt(String style) {
        this.style = style;
    }

    /** The style of the last {@value #STYLE_SAMPLE} non-merge subjects reachable from HEAD. */
    public static CommitPrompt of(Repository repo) throws IOException {
        List<String> subjects = new ArrayList<>();
        ObjectId head = repo.resolve(Constants.HEAD);
        if (head != null) {
            try (RevWalk walk = new RevWalk(repo)) {
                walk.markStart(walk.parseCommit(head));
                for (RevCommit c : walk) {
                    if (c.getParentCount() <= 1) {
                        subjects.add(CommitMessage.of(c.getShortMessage(), null).target());
                    }
                    if (subjects.size() >= STYLE_SAMPLE) {
                        break;
                    }
                }
            }
        }
        return new CommitPrompt(style(subjects));
    }

    /** A sentence describing the subjects' style; empty when there are too few to tell. */
    static String style(List<String> subjects) {
        List<String> s = subjects.stream().filter(x -> !x.isBlank()).toList();
        if (s.size() < 5) {
            return "";
        }
        long conventional = s.stream().filter(x -> CONVENTIONAL.matcher(x).matches()).count();
        long capital = s.stream().filter(x -> Character.isUpperCase(x.codePointAt(0))).count();
        long period = s.stream().filter(x -> x.endsWith(".")).count();
        int[] lengths = s.stream().mapToInt(String::length).sorted().toArray();
        List<String> parts = new ArrayList<>();
        if (conventional * 2 > s.size()) {
            parts.add("Conventional Commits (type(scope): summary)");
        } else if (capital * 4 >= s.size() * 3) {
            parts.add("capitalized");
        } else if (capital * 4 <= s.size()) {
            parts.add("lower case");
        }
        parts.add(period * 2 > s.size() ? "ending with a period" : "no trailing period");
        parts.add("about " + Math.max(10, Math.round(lengths[lengths.length / 2] / 10.0) * 10) + " characters");
        return String.join(", ", parts);
    }

    /** Index of the phrasing of a commit, by its id (stable across runs and machines). */
    static int phrasing(String commitId) {
        return Math.floorMod(Integer.parseUnsignedInt(commitId.substring(0, 7), 16), PHRASINGS.size());
    }

    /** The template id recorded in meta ("commit/2"), for the data report. */
    static String template(String commitId) {
        return "commit/" + phrasing(commitId);
    }

    String instruction(String commitId, List<String> paths) {
        StringBuilder sb = new StringBuilder(PHRASINGS.get(phrasing(commitId)));
        if (!style.isEmpty()) {
            sb.append("\nSubject style of this repository: ").append(style).append('.');
        }
        if (!paths.isEmpty()) {
            List<String> shown = paths.subList(0, Math.min(LISTED_FILES, paths.size()));
            sb.append("\nFiles changed: ").append(String.join(", ", shown));
            if (paths.size() > shown.size()) {
                sb.append(String.format(Locale.ROOT, " and %d more", paths.size() - shown.size()));
            }
            sb.append('.');
        }
        return sb.toString();
    }
}
