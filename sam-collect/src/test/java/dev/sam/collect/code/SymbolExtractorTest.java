package dev.sam.collect.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Functions and types with their doc comments, per language. */
class SymbolExtractorTest {

    @Test
    void java() {
        String src = """
                package demo;

                /** Keeps the items of one order. */
                public final class Cart {
                    private final List<Item> items = new ArrayList<>();

                    /**
                     * Adds an item; a "}" in a string or '{' in a char must not end the body.
                     *
                     * @param item the item, not null
                     * @return this cart
                     */
                    @SuppressWarnings("unused")
                    public Cart add(Item item) {
                        String s = "}";
                        char c = '{';
                        items.add(item); // } in a comment
                        return this;
                    }

                    public abstract int size();

                    int undocumented() {
                        return 1;
                    }
                }
                """;
        Map<String, CodeSymbol> s = byName(Language.JAVA, src);
        assertEquals("class", s.get("Cart").kind());
        assertEquals("Keeps the items of one order.", s.get("Cart").docText());
        CodeSymbol add = s.get("add");
        assertEquals("method", add.kind());
        assertEquals("public Cart add(Item item)", add.signature());
        assertTrue(add.doc().startsWith("/**\n * Adds an item;"), add.doc());
        assertTrue(add.docText().contains("@param item the item, not null"));
        assertTrue(add.code().startsWith("@SuppressWarnings(\"unused\")\npublic Cart add(Item item) {"), add.code());
        assertTrue(add.code().endsWith("    return this;\n}"), add.code());
        assertEquals(14, add.startLine());
        assertFalse(s.containsKey("size"), "no body, no symbol");
        assertNull(s.get("undocumented").doc());
    }

    @Test
    void python() {
        String src = """
                import os

                class Store:
                    \"\"\"A key-value store backed by a directory.\"\"\"

                    def __init__(self, root):
                        self.root = root

                    @staticmethod
                    def load(path: str,
                             strict: bool = True) -> "Store":
                        \"\"\"Load a store.

                        Args:
                            path: the directory.
                        \"\"\"
                        if not os.path.isdir(path):
                            raise ValueError(path)
                        return Store(path)

                def helper():
                    return 42
                """;
        Map<String, CodeSymbol> s = byName(Language.PYTHON, src);
        assertEquals("class", s.get("Store").kind());
        assertEquals("A key-value store backed by a directory.", s.get("Store").docText());
        CodeSymbol load = s.get("load");
        assertEquals("method", load.kind());
        assertEquals("def load(path: str, strict: bool = True) -> \"Store\":", load.signature());
        assertTrue(load.docText().startsWith("Load a store."), load.docText());
        assertTrue(load.code().startsWith("@staticmethod\ndef load(path: str,"), load.code());
        assertFalse(load.code().contains("Args:"), "code without the docstring: " + load.code());
        assertTrue(load.code().endsWith("    return Store(path)"), load.code());
        assertNull(s.get("helper").doc());
    }

    @Test
    void javascriptAndTypescript() {
        String src = """
                /**
                 * Formats a price.
                 * @param {number} cents
                 */
                export function formatPrice(cents) {
                  return `${(cents / 100).toFixed(2)} {EUR}`;
                }

                /** Debounces calls. */
                export const debounce = (fn, ms) => {
                  let t;
                  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
                };

                /** A cache with expiry. */
                export class TtlCache<K, V> {
                  /** Returns the value or undefined. */
                  get(key: K): V | undefined {
                    return this.map.get(key);
                  }
                }
                """;
        Map<String, CodeSymbol> s = byName(Language.TYPESCRIPT, src);
        assertEquals("function", s.get("formatPrice").kind());
        assertTrue(s.get("formatPrice").code().endsWith("EUR}`;\n}"), s.get("formatPrice").code());
        assertEquals("Debounces calls.", s.get("debounce").docText());
        assertEquals("class", s.get("TtlCache").kind());
        assertEquals("Returns the value or undefined.", s.get("get").docText());
    }

    @Test
    void go() {
        String src = """
                package cache

                // Cache holds values until they expire.
                type Cache struct {
                	items map[string]item
                }

                // Get returns the value for key and whether it was found.
                // Expired values are not found.
                func (c *Cache) Get(key string) (string, bool) {
                	it, ok := c.items[key]
                	if !ok || it.expired() {
                		return "", false
                	}
                	return it.value, true
                }

                func helper() {}
                """;
        Map<String, CodeSymbol> s = byName(Language.GO, src);
        assertEquals("struct", s.get("Cache").kind());
        CodeSymbol get = s.get("Get");
        assertEquals("method", get.kind());
        assertEquals("Get returns the value for key and whether it was found.\nExpired values are not found.", get.docText());
        assertTrue(CodeQuality.score(get) > CodeQuality.score(new CodeSymbol(Language.GO, "method", "Get", "", "// x",
                "Looks up values by key for the caller.", get.code(), get.startLine(), get.endLine())),
                "Go convention: doc starts with the name");
    }

    @Test
    void rust() {
        String src = """
                /// Parses a version such as `1.2.3`.
                ///
                /// # Errors
                /// Returns an error for anything else.
                pub fn parse<'a>(s: &'a str) -> Result<Version, Error> {
                    let parts: Vec<&str> = s.split('.').collect();
                    if parts.len() != 3 { return Err(Error::Format); }
                    Ok(Version { major: parts[0].parse()?, minor: 0, patch: 0 })
                }

                /// A semantic version.
                #[derive(Debug, Clone)]
                pub struct Version {
                    major: u32,
                    minor: u32,
                    patch: u32,
                }
                """;
        Map<String, CodeSymbol> s = byName(Language.RUST, src);
        CodeSymbol parse = s.get("parse");
        assertEquals("function", parse.kind());
        assertTrue(parse.code().endsWith("patch: 0 })\n}"), parse.code());
        assertTrue(parse.docText().contains("# Errors"));
        assertEquals("struct", s.get("Version").kind());
        assertTrue(s.get("Version").code().startsWith("#[derive(Debug, Clone)]"), s.get("Version").code());
    }

    @Test
    void cAndCpp() {
        String c = """
                #include <stdio.h>

                /**
                 * @brief Sums n integers.
                 * @param xs the values
                 */
                static long sum(const int *xs, size_t n) {
                    long s = 0;
                    for (size_t i = 0; i < n; i++) { s += xs[i]; }
                    return s;
                }

                int prototype(int x);
                """;
        Map<String, CodeSymbol> sc = byName(Language.C, c);
        assertEquals("function", sc.get("sum").kind());
        assertFalse(sc.containsKey("prototype"));
        String cpp = """
                /// Thread-safe counter.
                class Counter {
                public:
                    /// Adds one and returns the new value.
                    int increment() {
                        std::lock_guard<std::mutex> g(m_);
                        return ++n_;
                    }
                };

                /// Resets the counter.
                void Counter::reset() {
                    n_ = 0;
                }
                """;
        Map<String, CodeSymbol> sp = byName(Language.CPP, cpp);
        assertEquals("class", sp.get("Counter").kind());
        assertEquals("Adds one and returns the new value.", sp.get("increment").docText());
        assertEquals("Resets the counter.", sp.get("Counter::reset").docText());
    }

    @Test
    void samplesAndQualityOfADocumentedFunction() {
        CodeSymbol add = byName(Language.JAVA, """
                /**
                 * Adds two amounts of money in the same currency.
                 *
                 * @param a the first amount
                 * @param b the second amount
                 * @return the sum
                 */
                public Money add(Money a, Money b) {
                    requireSameCurrency(a, b);
                    return new Money(a.cents() + b.cents(), a.currency());
                }
                """).get("add");
        var samples = CodeSamples.of(add, "shop", "src/Money.java");
        assertEquals(2, samples.size());
        assertEquals("Implement the following Java method `add` as its documentation describes.",
                samples.get(0).instruction());
        assertTrue(samples.get(0).input().endsWith("*/\npublic Money add(Money a, Money b)"), samples.get(0).input());
        assertEquals(add.code(), samples.get(0).output());
        assertEquals("Write the Javadoc comment for this Java method.", samples.get(1).instruction());
        assertEquals(add.doc(), samples.get(1).output());
        assertTrue(CodeQuality.score(add) >= 0.8, "structured doc, reviewable body: " + CodeQuality.score(add));
        CodeSymbol getter = byName(Language.JAVA, "/** Gets it. */\npublic int getX() {\n    return x;\n}\n").get("getX");
        assertTrue(CodeQuality.score(getter) < 0.3, "trivial accessor: " + CodeQuality.score(getter));
    }

    private static Map<String, CodeSymbol> byName(Language lang, String src) {
        List<CodeSymbol> l = SymbolExtractor.extract(lang, src);
        return l.stream().collect(Collectors.toMap(CodeSymbol::name, x -> x, (a, b) -> a));
    }
}
