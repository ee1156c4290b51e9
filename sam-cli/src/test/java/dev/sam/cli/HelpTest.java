package dev.sam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every verb and sub-verb answers --help with exit 0 and a usage line (the hint of every usage error). */
class HelpTest {
    @Test
    void everyCommandHasHelp() {
        List<String> failures = new ArrayList<>();
        CommandLine root = SamCommand.commandLine(Map.of(), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        // picocli reports a bad description (an unescaped % in a format string) on System.err and goes on
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            visit(root, List.of(), failures);
        } finally {
            System.setErr(saved);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertFalse(warnings.toString(java.nio.charset.StandardCharsets.UTF_8).contains("picocli WARN"),
                warnings.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void visit(CommandLine cmd, List<String> path, List<String> failures) {
        for (var e : cmd.getSubcommands().entrySet()) {
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            List<String> args = new ArrayList<>(p);
            args.add("--help");
            int rc = SamCommand.commandLine(Map.of(), new PrintWriter(out), new PrintWriter(err))
                    .execute(args.toArray(String[]::new));
            if (rc != 0 || !out.toString().contains("Usage: sam " + String.join(" ", p))) {
                failures.add(String.join(" ", p) + " --help -> exit " + rc + ": " + err);
            }
            visit(e.getValue(), p, failures);
        }
    }

    /** Issue 22: summaries were cut mid-sentence ("markdown docs,", "HuggingFace PEFT LoRA"). */
    @Test
    void commandListsShowWholeFirstSentences() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"export", "--help"},
                new String[] {"import", "--help"})) {
            StringWriter out = new StringWriter();
            assertEquals(0, SamCommand.commandLine(Map.of(), new PrintWriter(out), new PrintWriter(new StringWriter()))
                    .execute(args));
            String list = out.toString().substring(out.toString().indexOf("Commands:"));
            list = list.contains("Exit codes:") ? list.substring(0, list.indexOf("Exit codes:")) : list;
            // every summary, joined over its wrapped lines, ends a sentence before the next verb starts
            String joined = list.replaceAll("\\n {10,}", " ");
            for (String line : joined.split("\\n")) {
                if (line.startsWith("  ") && !line.isBlank()) {
                    assertTrue(line.strip().endsWith(".") || line.strip().endsWith(")"), "cut summary: '" + line + "'");
                }
            }
        }
        String root = render("--help");
        assertTrue(root.contains("markdown docs"), root);
        assertFalse(root.matches("(?s).*markdown docs,\\s*\\n\\s+\\S+\\s{2,}.*"), root);
        assertEquals("Collect training data.", CommandSummaries.firstSentence(new String[] {"Collect training", "data.",
                "More."}));
        assertEquals("Use e.g. tiny models.", CommandSummaries.firstSentence(new String[] {"Use e.g. tiny models. Or not."}));
    }

    private static String render(String... args) {
        StringWriter out = new StringWriter();
        SamCommand.commandLine(Map.of(), new PrintWriter(out), new PrintWriter(new StringWriter())).execute(args);
        return out.toString();
    }

    @Test
    void rootHelpListsEveryEnvironmentVariable() {
        StringWriter out = new StringWriter();
        assertEquals(0, SamCommand.commandLine(Map.of(), new PrintWriter(out), new PrintWriter(new StringWriter()))
                .execute("--help"));
        for (dev.sam.core.config.SamEnvironment.Variable v : dev.sam.core.config.SamEnvironment.ALL) {
            assertTrue(out.toString().contains("  " + v.name() + " "), v.name() + " in:\n" + out);
        }
        assertTrue(java.util.regex.Pattern.compile("\\n  SAM_MODELS_DIR +deployed versions \\(wins over config"
                + " models\\.primary\\)\\n").matcher(out.toString()).find(), "one unwrapped line:\n" + out);
    }

    @Test
    void versionIsOnlyTheRootsFlag() {
        StringWriter out = new StringWriter();
        int rc = SamCommand.commandLine(Map.of(), new PrintWriter(out), new PrintWriter(new StringWriter()))
                .execute("--version");
        assertEquals(0, rc);
        assertTrue(out.toString().startsWith("sam "), out.toString());
    }
}
