package dev.sam.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Package dependency cycles of a source tree, for tests that keep a module layered. A package depends on
 * another when one of its files names a class there (import, static import, wildcard import, or a fully
 * qualified name in code; comments and string literals do not count). Cycles are the strongly connected
 * components of more than one package (Tarjan's algorithm), each listed with the edges that close it.
 *
 * <pre>assertEquals(List.of(), PackageCycles.of(Path.of("src/main/java")));</pre>
 */
public final class PackageCycles {
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    /** dev.sam.x.y followed by a class name (upper case) or a wildcard. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.sam(?:\\.[a-z]\\w*)+)\\.(?:[A-Z]|\\*)");
    private static final Pattern COMMENTS_AND_STRINGS = Pattern.compile(
            "/\\*.*?\\*/|//[^\\n]*|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'", Pattern.DOTALL);

    private PackageCycles() {
    }

    /** Each cycle as "a -> b (File.java), b -> a (Other.java)"; empty when the tree is layered. */
    public static List<String> of(Path sourceRoot) throws IOException {
        Map<String, Map<String, String>> edges = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(sourceRoot)) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path f : files) {
            String code = COMMENTS_AND_STRINGS.matcher(Files.readString(f)).replaceAll(" ");
            Matcher pm = PACKAGE.matcher(code);
            if (!pm.find()) {
                continue;
            }
            String pkg = pm.group(1);
            Map<String, String> out = edges.computeIfAbsent(pkg, k -> new TreeMap<>());
            Matcher m = REFERENCE.matcher(code);
            while (m.find()) {
                if (!m.group(1).equals(pkg)) {
                    out.putIfAbsent(m.group(1), f.getFileName().toString());
                }
            }
        }
        List<String> cycles = new ArrayList<>();
        for (Set<String> component : new Tarjan(edges).components()) {
            StringBuilder sb = new StringBuilder();
            for (String a : component) {
                edges.get(a).forEach((b, file) -> {
                    if (component.contains(b)) {
                        sb.append(sb.length() == 0 ? "" : ", ").append(a).append(" -> ").append(b)
                                .append(" (").append(file).append(')');
                    }
                });
            }
            cycles.add(sb.toString());
        }
        return cycles;
    }

    /** Strongly connected components with more than one package (R. Tarjan, SIAM J. Comput. 1972). */
    private static final class Tarjan {
        private final Map<String, Map<String, String>> edges;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final List<Set<String>> out = new ArrayList<>();

        Tarjan(Map<String, Map<String, String>> edges) {
            this.edges = edges;
        }

        List<Set<String>> components() {
            edges.keySet().forEach(v -> {
                if (!index.containsKey(v)) {
                    visit(v);
                }
            });
            return out;
        }

        private void visit(String v) {
            index.put(v, index.size());
            low.put(v, index.get(v));
            stack.push(v);
            for (String w : edges.get(v).keySet()) {
                if (!edges.containsKey(w)) {
                    continue; // another module's package: a module-level arrow, checked by Maven
                }
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (stack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                Set<String> c = new TreeSet<>();
                String w;
                do {
                    w = stack.pop();
                    c.add(w);
                } while (!w.equals(v));
                if (c.size() > 1) {
                    out.add(c);
                }
            }
        }
    }
}
