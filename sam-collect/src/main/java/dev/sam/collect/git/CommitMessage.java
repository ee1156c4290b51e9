package dev.sam.collect.git;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A commit message as a training target: what a model can learn to write from the diff, with what it
 * cannot know moved to {@code meta}. Removed: trailers (git interpret-trailers' "Token: value" lines of
 * the last paragraph — Signed-off-by, Co-authored-by, Change-Id, …; "(cherry picked from commit …)"),
 * a trailing pull-request/issue reference of the subject ("Fix parser (#1234)", GitHub's squash-merge
 * suffix), and, when configured, a ticket prefix ("JIRA-12: ", "[ABC-9] ").
 *
 * <pre>CommitMessage m = CommitMessage.of(fullMessage, ticketPattern); m.target(); m.removed();</pre>
 *
 * @param target  the cleaned message
 * @param removed what was removed, by kind: {@code trailers}, {@code refs}, {@code ticket}
 */
public record CommitMessage(String target, Map<String, List<String>> removed) {
    private static final Pattern TRAILER = Pattern.compile("(?i)^(?:signed-off-by|co-authored-by|change-id|reviewed-by"
            + "|reviewed-on|acked-by|tested-by|cc|reported-by|suggested-by|helped-by|git-svn-id)\\s*:.*$"
            + "|^\\(cherry picked from commit [0-9a-f]+\\)$");
    /** One or more refs at the end of the subject: "(#12)", "(#12, #13)", "(GH-7)", "#12", "(closes #4)". */
    private static final Pattern SUBJECT_REFS = Pattern.compile("(?i)\\s*(\\((?:(?:closes|fixes|resolves|see|refs?)\\s+)?"
            + "(?:[\\w.-]+/[\\w.-]+)?(?:#|gh-)\\d+(?:\\s*,\\s*(?:#|gh-)\\d+)*\\)|(?<=\\s)#\\d+)\\s*$");
    /** A body line that is only a ref list ("Closes #12", "Fixes #3, #4", "PR #12"). */
    private static final Pattern REF_LINE = Pattern.compile("(?i)^(?:(?:closes|closed|fixes|fixed|resolves|resolved|see"
            + "|refs?|pr|pull request|issue)\\s*:?\\s*)?(?:[\\w.-]+/[\\w.-]+)?#\\d+(?:\\s*,\\s*#\\d+)*\\.?$");

    public CommitMessage {
        removed = Map.copyOf(removed);
    }

    /** @param ticket a regex of a ticket prefix at the start of the subject, or null for none */
    public static CommitMessage of(String message, Pattern ticket) {
        Map<String, List<String>> removed = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        for (String l : message.replace("\r\n", "\n").split("\n", -1)) {
            String s = l.strip();
            if (TRAILER.matcher(s).matches()) {
                removed.computeIfAbsent("trailers", k -> new ArrayList<>()).add(s);
            } else if (!lines.isEmpty() && REF_LINE.matcher(s).matches()) {
                removed.computeIfAbsent("refs", k -> new ArrayList<>()).add(s);
            } else {
                lines.add(l.stripTrailing());
            }
        }
        String text = String.join("\n", lines).strip().replaceAll("\n{3,}", "\n\n");
        int nl = text.indexOf('\n');
        String subject = nl < 0 ? text : text.substring(0, nl);
        String body = nl < 0 ? "" : text.substring(nl);
        Matcher m = SUBJECT_REFS.matcher(subject);
        while (m.find() && m.start() > 0) {
            removed.computeIfAbsent("refs", k -> new ArrayList<>()).add(0, m.group(1));
            subject = subject.substring(0, m.start()).stripTrailing();
            m = SUBJECT_REFS.matcher(subject);
        }
        if (ticket != null) {
            Matcher t = ticket.matcher(subject);
            if (t.lookingAt() && t.end() > 0 && t.end() < subject.length()) {
                removed.put("ticket", List.of(subject.substring(0, t.end()).strip()));
                subject = subject.substring(t.end()).replaceFirst("^[\\s:\\-–]+", "");
            }
        }
        return new CommitMessage((subject + body).strip(), removed);
    }

    /** A ticket prefix regex from config (e.g. {@code [A-Z]+-\d+:?}), or null when none is configured. */
    public static Pattern ticketPattern(String regex) {
        if (regex == null || regex.isBlank()) {
            return null;
        }
        String r = regex.strip();
        // "[ABC-1] Fix" and "ABC-1: Fix" both: the bracketed form of whatever the team configured is allowed
        return Pattern.compile("(?:\\[(?:" + r + ")\\]|(?:" + r + "))[:\\s]*");
    }
}
