package dev.sam.collect.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sam.collect.Reasons;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What target cleaning removes and keeps, and which commits are a tool's, on messages from real projects' styles. */
class CommitMessageTest {
    @Test
    void refsTrailersAndTicketsMoveToMetaAndTheMessageStays() {
        CommitMessage m = CommitMessage.of("Fix NPE in JsonReader.peek (#2231)\n\nThe reader did not check for EOF.\n\n"
                + "Signed-off-by: A <a@x.org>\nCo-authored-by: B <b@x.org>\nChange-Id: I0123456789abcdef", null);
        assertEquals("Fix NPE in JsonReader.peek\n\nThe reader did not check for EOF.", m.target());
        assertEquals(Map.of("refs", List.of("(#2231)"), "trailers", List.of("Signed-off-by: A <a@x.org>",
                "Co-authored-by: B <b@x.org>", "Change-Id: I0123456789abcdef")), m.removed());

        assertEquals("Support records", CommitMessage.of("Support records (#12) (#14)", null).target());
        assertEquals("Support records", CommitMessage.of("Support records (fixes #12)", null).target());
        assertEquals("Support records", CommitMessage.of("Support records (google/gson#12)", null).target());
        assertEquals("Support records\n\nBody text here.", CommitMessage.of("Support records\n\nBody text here.\n\n"
                + "Closes #12\nFixes #3, #4", null).target());
        // a number that is part of the subject's meaning stays
        assertEquals("Handle #define lines in the C lexer", CommitMessage.of("Handle #define lines in the C lexer", null)
                .target());
        assertEquals("Bump to Java #17 support", CommitMessage.of("Bump to Java #17 support", null).target());

        var ticket = CommitMessage.ticketPattern("[A-Z]+-\\d+");
        assertEquals("Add retry", CommitMessage.of("ABC-12: Add retry", ticket).target());
        assertEquals("Add retry", CommitMessage.of("[ABC-12] Add retry", ticket).target());
        assertEquals(List.of("[ABC-12]"), CommitMessage.of("[ABC-12] Add retry", ticket).removed().get("ticket"));
        assertEquals("ABC-12: Add retry", CommitMessage.of("ABC-12: Add retry", null).target(), "only when configured");
        assertEquals("ABC-12", CommitMessage.of("ABC-12", ticket).target(), "a bare ticket is left to the trivial filter");
    }

    @Test
    void releaseToolsAndBotsAreRecognizedEvenWhenAPersonMergedThem() {
        assertEquals(Reasons.RELEASE_TOOL, ToolCommits.reason("Inderjeet", "i@x.org",
                "[maven-release-plugin] prepare release gson-parent-2.10"));
        assertEquals(Reasons.RELEASE_TOOL, ToolCommits.reason("Inderjeet", "i@x.org",
                "[maven-release-plugin] prepare for next development iteration"));
        assertEquals(Reasons.RELEASE_TOOL, ToolCommits.reason("a", "a@x", "chore(release): 1.4.0"));
        assertEquals(Reasons.RELEASE_TOOL, ToolCommits.reason("a", "a@x", "v2.3.1"));
        assertEquals(Reasons.BOT, ToolCommits.reason("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com",
                "Bump junit from 4.13.1 to 4.13.2"));
        assertEquals(Reasons.BOT_PR, ToolCommits.reason("Maintainer", "m@x.org", "Bump com.google.guava:guava from 31.1-jre"
                + " to 32.0.0-jre (#2412)\n\nBumps [com.google.guava:guava](https://github.com/google/guava) from 31.1-jre"
                + " to 32.0.0-jre.\n\n---\nupdated-dependencies:\n- dependency-name: com.google.guava:guava\n"));
        assertEquals(Reasons.BOT_PR, ToolCommits.reason("Maintainer", "m@x.org", "chore(deps): update dependency"
                + " eslint to v8.40.0 (#55)"));
        assertEquals(Reasons.BOT_PR, ToolCommits.reason("Maintainer", "m@x.org", "Update build tooling (#9)\n\n"
                + "Co-authored-by: renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>"));
        assertNull(ToolCommits.reason("Dev", "d@x.org", "Bump the default buffer size to 64 KiB\n\nLarge documents"
                + " were read in too many small chunks."));
        assertNull(ToolCommits.reason("Dev", "d@x.org", "Prepare the parser for streaming input"));
        assertNull(ToolCommits.reason("Dev", "d@x.org", "Fix release notes link in README"));
    }
}
