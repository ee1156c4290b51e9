package dev.sam.collect.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Which secret rules may match a text: one pass over the text (and one over its lower-cased copy) with an
 * Aho–Corasick automaton of every rule's literal hints (Aho and Corasick, "Efficient string matching",
 * CACM 1975), instead of one {@code String.contains} per hint. A rule is a candidate when any of its hints
 * occurs (case-sensitive hints in the text, {@link SecretRule#lowerCaseHints} ones in the lower-cased
 * text) or when it has none — exactly {@code SecretRule.mayMatch}'s rule. About 60 hints are tried on
 * every field of every sample; as separate scans they were the largest single cost of a collection run
 * with the quick compiler (which does not vectorize {@code indexOf}).
 *
 * <p>The automaton is a full transition table over 7-bit characters (hints are ASCII; any other
 * character leads back to the root), built once; scanning allocates only the result.
 */
final class HintScan {
    private static final int ALPHABET = 128;
    private final Automaton exact;
    private final Automaton lower;
    private final BitSet always;

    HintScan(List<SecretRule> rules) {
        List<String> exactHints = new ArrayList<>();
        List<Integer> exactRules = new ArrayList<>();
        List<String> lowerHints = new ArrayList<>();
        List<Integer> lowerRules = new ArrayList<>();
        always = new BitSet(rules.size());
        for (int r = 0; r < rules.size(); r++) {
            SecretRule rule = rules.get(r);
            if (rule.hints().isEmpty()) {
                always.set(r);
            }
            for (String h : rule.hints()) {
                if (h.isEmpty() || !h.chars().allMatch(c -> c < ALPHABET)) {
                    throw new IllegalArgumentException("a hint must be non-empty ASCII: '" + h + "' of " + rule.kind());
                }
                (rule.lowerCaseHints() ? lowerHints : exactHints).add(h);
                (rule.lowerCaseHints() ? lowerRules : exactRules).add(r);
            }
        }
        exact = new Automaton(exactHints, exactRules);
        lower = new Automaton(lowerHints, lowerRules);
    }

    /** The indices (in the rule list) of the rules that may match {@code text}; {@code lowered} is its lower-cased copy. */
    BitSet candidates(String text, String lowered) {
        BitSet out = (BitSet) always.clone();
        exact.scan(text, out);
        lower.scan(lowered, out);
        return out;
    }

    /** A deterministic automaton: delta[state * 128 + c], and the rules whose hint ends in each state. */
    private static final class Automaton {
        private final int[] delta;
        private final int[][] output;

        Automaton(List<String> hints, List<Integer> ruleOfHint) {
            // the trie
            List<int[]> next = new ArrayList<>();
            List<BitSet> out = new ArrayList<>();
            next.add(filled());
            out.add(new BitSet());
            for (int i = 0; i < hints.size(); i++) {
                int s = 0;
                for (char c : hints.get(i).toCharArray()) {
                    if (next.get(s)[c] < 0) {
                        next.get(s)[c] = next.size();
                        next.add(filled());
                        out.add(new BitSet());
                    }
                    s = next.get(s)[c];
                }
                out.get(s).set(ruleOfHint.get(i));
            }
            // failure links, breadth first; missing edges become the failure state's edges (a full DFA) and
            // each state outputs what its failure state outputs
            int n = next.size();
            int[] fail = new int[n];
            int[] queue = new int[n];
            int head = 0;
            int tail = 0;
            for (int c = 0; c < ALPHABET; c++) {
                int t = next.get(0)[c];
                if (t < 0) {
                    next.get(0)[c] = 0;
                } else {
                    fail[t] = 0;
                    queue[tail++] = t;
                }
            }
            while (head < tail) {
                int s = queue[head++];
                out.get(s).or(out.get(fail[s]));
                for (int c = 0; c < ALPHABET; c++) {
                    int t = next.get(s)[c];
                    if (t < 0) {
                        next.get(s)[c] = next.get(fail[s])[c];
                    } else {
                        fail[t] = next.get(fail[s])[c];
                        queue[tail++] = t;
                    }
                }
            }
            delta = new int[n * ALPHABET];
            output = new int[n][];
            for (int s = 0; s < n; s++) {
                System.arraycopy(next.get(s), 0, delta, s * ALPHABET, ALPHABET);
                output[s] = out.get(s).isEmpty() ? null : out.get(s).stream().toArray();
            }
        }

        private static int[] filled() {
            int[] a = new int[ALPHABET];
            Arrays.fill(a, -1);
            return a;
        }

        void scan(String text, BitSet found) {
            if (output.length == 1) {
                return; // no hints
            }
            int s = 0;
            for (int i = 0, n = text.length(); i < n; i++) {
                char c = text.charAt(i);
                s = c < ALPHABET ? delta[s * ALPHABET + c] : 0;
                int[] o = output[s];
                if (o != null) {
                    for (int r : o) {
                        found.set(r);
                    }
                }
            }
        }
    }
}
