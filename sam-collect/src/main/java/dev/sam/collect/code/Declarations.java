package dev.sam.collect.code;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Declaration patterns of the brace languages: a line that starts a function, method or type. They are
 * heuristics over lines, not parsers — good enough to find documented functions in ordinary code,
 * which is all the code source needs (a missed function costs a sample, never a wrong one: the body
 * must still brace-match).
 */
final class Declarations {
    /** A match: the kind of symbol and its name. */
    record Decl(String kind, String name) {
    }

    private record Rule(String kind, Pattern pattern, int nameGroup) {
    }

    private static final String NOT_KEYWORD = "(?!(?:if|for|while|switch|catch|return|new|throw|else|do|case|sizeof"
            + "|typedef|using|namespace|delete|goto|await|yield|function|with|assert)\\b)";
    private static final String C_TYPE_PREFIX = "(?:(?:static|inline|extern|virtual|explicit|constexpr|consteval|const"
            + "|unsigned|signed|long|short|struct|enum|friend|volatile|register|__inline|noexcept)\\s+)*";

    private static final List<Rule> JAVA = List.of(
            new Rule("type", Pattern.compile("^\\s*(?:@\\w+(?:\\([^)]*\\))?\\s+)*(?:(?:public|protected|private|static"
                    + "|final|abstract|sealed|non-sealed|strictfp)\\s+)*(class|interface|enum|record|@interface)\\s+(\\w+)"), 2),
            new Rule("method", Pattern.compile("^\\s*(?:(?:public|protected|private|static|final|abstract|synchronized"
                    + "|native|default|strictfp)\\s+)*(?:<[^>]+>\\s+)?" + NOT_KEYWORD
                    + "[\\w.$]+(?:<[^()]*?>)?(?:\\[\\])*\\s+" + NOT_KEYWORD + "(\\w+)\\s*\\("), 1),
            new Rule("constructor", Pattern.compile("^\\s*(?:public|protected|private)\\s+([A-Z]\\w*)\\s*\\("), 1));
    private static final List<Rule> JS = List.of(
            new Rule("function", Pattern.compile("^\\s*(?:export\\s+)?(?:default\\s+)?(?:async\\s+)?function\\s*\\*?\\s*"
                    + "(\\w+)\\s*[<(]"), 1),
            new Rule("class", Pattern.compile("^\\s*(?:export\\s+)?(?:default\\s+)?(?:abstract\\s+)?class\\s+(\\w+)"), 1),
            new Rule("interface", Pattern.compile("^\\s*(?:export\\s+)?interface\\s+(\\w+)"), 1),
            new Rule("function", Pattern.compile("^\\s*(?:export\\s+)?(?:const|let|var)\\s+(\\w+)\\s*(?::[^=]+)?=\\s*"
                    + "(?:async\\s+)?(?:function\\b|\\([^)]*\\)\\s*(?::[^=]+)?=>|\\w+\\s*=>)"), 1),
            new Rule("method", Pattern.compile("^\\s*(?:(?:public|private|protected|static|async|readonly|override"
                    + "|abstract|get|set)\\s+)*\\*?" + NOT_KEYWORD + "(\\w+)\\s*(?:<[^>]*>)?\\s*\\([^;]*$"), 1));
    private static final List<Rule> GO = List.of(
            new Rule("function", Pattern.compile("^func\\s+(?:\\([^)]*\\)\\s*)?(\\w+)\\s*[\\[(]"), 1),
            new Rule("type", Pattern.compile("^type\\s+(\\w+)(?:\\[[^]]*])?\\s+(?:struct|interface)\\b"), 1));
    private static final List<Rule> RUST = List.of(
            new Rule("function", Pattern.compile("^\\s*(?:pub(?:\\([^)]*\\))?\\s+)?(?:default\\s+)?(?:const\\s+)?"
                    + "(?:async\\s+)?(?:unsafe\\s+)?(?:extern\\s+\"[^\"]*\"\\s+)?fn\\s+(\\w+)"), 1),
            new Rule("type", Pattern.compile("^\\s*(?:pub(?:\\([^)]*\\))?\\s+)?(?:struct|enum|trait|union)\\s+(\\w+)"), 1),
            new Rule("impl", Pattern.compile("^\\s*(?:unsafe\\s+)?impl\\b(?:<[^>]*>)?\\s+(?:[\\w:<>, ]+\\s+for\\s+)?"
                    + "([\\w:]+)"), 1));
    private static final List<Rule> C_FAMILY = List.of(
            new Rule("type", Pattern.compile("^\\s*(?:typedef\\s+)?(?:struct|class|union|enum(?:\\s+class)?)\\s+"
                    + "(?:\\w+\\s+)?(\\w+)\\s*(?:final\\s*)?(?::[^;]*)?\\{?\\s*$"), 1),
            new Rule("function", Pattern.compile("^\\s*" + C_TYPE_PREFIX + NOT_KEYWORD
                    + "[A-Za-z_][\\w:]*(?:<[^;()]*>)?[\\s*&]+" + NOT_KEYWORD + "[*&]*(~?[A-Za-z_][\\w:]*)\\s*\\([^;]*$"), 1),
            new Rule("function", Pattern.compile("^\\s*([A-Za-z_]\\w*::~?\\w+)\\s*\\([^;]*$"), 1));

    private Declarations() {
    }

    /** The declaration that this line starts, or null. */
    static Decl match(Language lang, String line) {
        List<Rule> rules = switch (lang) {
            case JAVA -> JAVA;
            case JAVASCRIPT, TYPESCRIPT -> JS;
            case GO -> GO;
            case RUST -> RUST;
            case C, CPP -> C_FAMILY;
            case PYTHON -> List.of();
        };
        for (Rule r : rules) {
            Matcher m = r.pattern().matcher(line);
            if (m.find()) {
                String kind = r.kind();
                if (kind.equals("type")) {
                    kind = typeKind(line);
                } else if (lang == Language.GO && kind.equals("function") && line.startsWith("func (")) {
                    kind = "method";
                }
                return new Decl(kind, m.group(r.nameGroup()));
            }
        }
        return null;
    }

    /** Lines between a doc comment and its declaration: annotations, attributes, decorators, templates. */
    static boolean isAnnotation(Language lang, String line) {
        String s = line.strip();
        return switch (lang) {
            case JAVA, JAVASCRIPT, TYPESCRIPT -> s.startsWith("@");
            case RUST -> s.startsWith("#[");
            case CPP -> s.startsWith("template") || s.startsWith("[[");
            default -> false;
        };
    }

    private static String typeKind(String line) {
        for (String k : List.of("interface", "record", "enum", "struct", "trait", "union", "class")) {
            if (line.matches(".*\\b" + k + "\\b.*")) {
                return k;
            }
        }
        return "type";
    }
}
