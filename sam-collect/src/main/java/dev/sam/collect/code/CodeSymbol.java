package dev.sam.collect.code;

/**
 * A function, method or type found in a source file.
 *
 * @param kind      function, method, class, interface, struct, enum, trait, record, type
 * @param signature the declaration up to its body
 * @param doc       the doc comment as written (markers included, indentation removed), or null
 * @param docText   the doc comment's text without comment markers, or null
 * @param code      the declaration and body, without the doc comment (indentation removed)
 * @param startLine 1-based line of the declaration
 */
public record CodeSymbol(Language language, String kind, String name, String signature, String doc, String docText,
                         String code, int startLine, int endLine) {

    public boolean documented() {
        return docText != null && !docText.isBlank();
    }

    public int lines() {
        return endLine - startLine + 1;
    }
}
