package dev.sam.collect.code;

import java.util.List;

/**
 * Extracts functions, methods and types with their doc comments from one source file.
 *
 * <pre>List&lt;CodeSymbol&gt; symbols = SymbolExtractor.extract(Language.GO, source);</pre>
 */
public final class SymbolExtractor {
    private SymbolExtractor() {
    }

    public static List<CodeSymbol> extract(Language lang, String text) {
        String src = text.replace("\r\n", "\n");
        return lang == Language.PYTHON ? PythonExtractor.extract(src) : BraceExtractor.extract(lang, src);
    }
}
