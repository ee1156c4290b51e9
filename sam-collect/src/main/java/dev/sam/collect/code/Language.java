package dev.sam.collect.code;

import java.util.Locale;

/** The languages whose functions and classes SAM extracts, by file extension, with their doc conventions. */
public enum Language {
    JAVA("Java", "Javadoc comment", "java"),
    PYTHON("Python", "docstring", "py"),
    JAVASCRIPT("JavaScript", "JSDoc comment", "js", "jsx", "mjs", "cjs"),
    TYPESCRIPT("TypeScript", "TSDoc comment", "ts", "tsx", "mts", "cts"),
    GO("Go", "Go doc comment", "go"),
    RUST("Rust", "doc comment (///)", "rs"),
    C("C", "documentation comment", "c", "h"),
    CPP("C++", "documentation comment", "cc", "cpp", "cxx", "c++", "hpp", "hh", "hxx", "h++");

    private final String display;
    private final String docStyle;
    private final String[] extensions;

    Language(String display, String docStyle, String... extensions) {
        this.display = display;
        this.docStyle = docStyle;
        this.extensions = extensions;
    }

    /** "Java", "C++", … */
    public String display() {
        return display;
    }

    /** What a doc comment is called in this language: "Javadoc comment", "docstring", … */
    public String docStyle() {
        return docStyle;
    }

    /** The language of a path by its extension, or null. */
    public static Language of(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        if (dot < 0 || name.endsWith(".d.ts")) {
            return null;
        }
        String ext = name.substring(dot + 1);
        for (Language l : values()) {
            for (String e : l.extensions) {
                if (e.equals(ext)) {
                    return l;
                }
            }
        }
        return null;
    }

    /** Lower-case id used in meta and the code index: java, python, … */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
