package dev.sam.collect.git;

import java.util.regex.Pattern;

/** Which commits are not worth learning from: bots, and messages that say nothing about the change. */
public final class CommitFilters {
    private static final Pattern BOT = Pattern.compile("(?i)\\[bot\\]|(?:^|[\\s._-])bot(?:$|[\\s._@-])|dependabot|renovate"
            + "|github-actions|greenkeeper|snyk-bot|mergify|pre-commit-ci|allcontributors|semantic-release-bot|imgbot"
            + "|codecov|deepsource-autofix|weblate|transifex|crowdin");
    private static final Pattern TRIVIAL = Pattern.compile("(?i)(?:wip|fix(?:e[sd])?|bug ?fix|update[sd]?|changes?"
            + "|minor(?: changes| fixes)?|typo|tmp|temp|test(?:ing)?|misc|stuff|cleanup|clean ?up|refactor(?:ing)?"
            + "|initial commit|first commit|init|asdf+|foo|bar|save|commit|more|done|oops|x+|\\.+|-+|small fix"
            + "|quick fix|work in progress|progress|todo|lint|format(?:ting)?|bump|version bump|release"
            + "|[a-z]+-\\d+|#\\d+)[\\s.!:;,]*");
    private static final Pattern MERGE_MESSAGE = Pattern.compile("(?i)^(?:merge (?:branch|pull request|remote-tracking"
            + "|tag|commit)|merged? .* into ).*");

    private CommitFilters() {
    }

    /** An author that is a bot (by name or e-mail): dependabot[bot], renovate-bot, ci-bot@example.com, … */
    public static boolean isBot(String name, String email) {
        return name != null && BOT.matcher(name).find() || email != null && BOT.matcher(email).find();
    }

    /** "wip", "fix", "update", a bare ticket id, a default merge message: nothing a model could learn. */
    public static boolean isTrivial(String cleaned) {
        String m = cleaned.strip();
        if (m.length() < 8 || !m.chars().anyMatch(Character::isLetter)) {
            return true;
        }
        String subject = m.lines().findFirst().orElse("");
        boolean bodyless = m.indexOf('\n') < 0;
        return bodyless && TRIVIAL.matcher(subject).matches() || MERGE_MESSAGE.matcher(subject).matches();
    }

    /**
     * 0..1: descriptive messages (a subject of sensible length, a body, a conventional-commit type) and
     * diffs of reviewable size score higher. Used as the sample's quality weight.
     */
    public static double quality(String cleaned, int changedLines, boolean onlyDocsOrConfig) {
        String subject = cleaned.lines().findFirst().orElse("");
        double q = 0.5;
        if (subject.length() >= 10 && subject.length() <= 72) {
            q += 0.1;
        } else if (subject.length() > 100) {
            q -= 0.1;
        }
        if (cleaned.contains("\n\n") && cleaned.substring(cleaned.indexOf("\n\n")).strip().length() >= 20) {
            q += 0.15;
        }
        if (subject.matches("^[a-z]+(\\([^)]+\\))?!?: .+")) {
            q += 0.05;
        }
        if (changedLines >= 3 && changedLines <= 300) {
            q += 0.1;
        } else if (changedLines > 1000) {
            q -= 0.1;
        }
        if (onlyDocsOrConfig) {
            q -= 0.05;
        }
        return Math.max(0, Math.min(1, q));
    }
}
