package dev.sam.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;

/**
 * The "Commands:" list of {@code sam --help} (and of verbs with sub-verbs): each verb with the whole first
 * sentence of its description, wrapped, instead of picocli's default first description line, which cut
 * summaries mid-sentence ("Collect training data from git repositories (commits, code), markdown docs,").
 *
 * <pre>cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, new CommandSummaries());</pre>
 */
final class CommandSummaries implements CommandLine.IHelpSectionRenderer {
    private static final int WIDTH = 80;

    @Override
    public String render(Help help) {
        Map<String, Help> subs = help.subcommands();
        if (subs.isEmpty()) {
            return "";
        }
        int names = subs.keySet().stream().mapToInt(String::length).max().orElse(0) + 4;
        TextTable t = TextTable.forColumns(help.colorScheme(), new Column(names, 2, Column.Overflow.SPAN),
                new Column(WIDTH - names, 1, Column.Overflow.WRAP));
        subs.forEach((name, sub) -> t.addRowValues(name, firstSentence(sub.commandSpec().usageMessage().description())));
        return t.toString();
    }

    /** The description up to and including its first full stop that ends a sentence (or all of it). */
    static String firstSentence(String[] description) {
        StringBuilder sb = new StringBuilder();
        for (String line : description) {
            if (line.isBlank()) {
                if (sb.length() > 0) {
                    break;
                }
                continue;
            }
            sb.append(sb.length() == 0 ? "" : " ").append(line.strip());
        }
        String s = sb.toString();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.' && (i + 1 == s.length() || s.charAt(i + 1) == ' ')
                    && !abbreviation(s, i)) {
                return s.substring(0, i + 1);
            }
        }
        return s;
    }

    /** "e.g." and "i.e." end no sentence. */
    private static boolean abbreviation(String s, int dot) {
        return dot >= 3 && (s.startsWith("e.g", dot - 3) || s.startsWith("i.e", dot - 3));
    }
}
