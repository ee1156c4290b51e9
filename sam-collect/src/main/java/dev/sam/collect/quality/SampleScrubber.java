package dev.sam.collect.quality;

import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scrubs whole samples for one collect run: every text of a sample (turns, instruction, input, output and
 * the string values of its metadata) is scrubbed together, so a value found in one is replaced in all, and
 * every value found is remembered for the rest of the run ({@link KnownSecrets}). Thread-safe.
 *
 * <pre>SampleScrubber.Scrubbed s = runScrubber.scrub(candidate); s.sample(); s.secrets();</pre>
 */
public final class SampleScrubber {
    private final SecretScrubber rules;
    private final KnownSecrets known = new KnownSecrets();

    public SampleScrubber(SecretScrubber rules) {
        this.rules = rules;
    }

    /** The sample with its texts scrubbed and how many secrets were replaced. */
    public record Scrubbed(Sample sample, int secrets) {
    }

    /** Rules and known values on every text of the sample; new values are remembered for the run. */
    public Scrubbed scrub(Sample c) {
        List<String> fields = fields(c);
        SecretScrubber.Results r = rules.scrubAll(fields, known);
        return new Scrubbed(rebuild(c, r.texts()), r.total());
    }

    /**
     * Only the values known by now (found later in the run than this sample was scrubbed, by another
     * thread): the same sample when none occurs, so this is cheap for the common case.
     */
    public Scrubbed again(Sample s) {
        if (known.isEmpty()) {
            return new Scrubbed(s, 0);
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<String> fields = fields(s);
        List<String> out = new ArrayList<>(fields.size());
        fields.forEach(f -> out.add(known.replaceIn(f, counts)));
        int n = counts.values().stream().mapToInt(Integer::intValue).sum();
        return n == 0 ? new Scrubbed(s, 0) : new Scrubbed(rebuild(s, out), n);
    }

    /** One text (a source file before it is cut into samples): rules and known values, remembering new ones. */
    public String text(String t) {
        return t == null || t.isEmpty() ? t : rules.scrubAll(Collections.singletonList(t), known).texts().get(0);
    }

    /** Several texts scrubbed together (a preference pair's prompt, chosen and rejected). */
    public SecretScrubber.Results texts(List<String> ts) {
        return rules.scrubAll(ts, known);
    }

    /** How many secret values this run has seen. */
    public int knownValues() {
        return known.size();
    }

    private static List<String> fields(Sample c) {
        List<String> f = new ArrayList<>();
        if (c.isChat()) {
            c.messages().forEach(m -> f.add(m.content()));
        } else {
            f.add(c.instruction());
            f.add(c.input() == null ? "" : c.input());
            f.add(c.output());
        }
        if (c.meta() != null) {
            c.meta().values().forEach(v -> f.add(v instanceof String s ? s : null));
        }
        return f;
    }

    private static Sample rebuild(Sample c, List<String> t) {
        int i = 0;
        List<ChatMessage> msgs = null;
        String instruction = null;
        String input = null;
        String output = null;
        if (c.isChat()) {
            msgs = new ArrayList<>();
            for (ChatMessage m : c.messages()) {
                msgs.add(new ChatMessage(m.role(), t.get(i++)));
            }
        } else {
            instruction = t.get(i++);
            input = t.get(i++);
            output = t.get(i++);
        }
        Map<String, Object> meta = null;
        if (c.meta() != null) {
            meta = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : c.meta().entrySet()) {
                String s = t.get(i++);
                meta.put(e.getKey(), s != null ? s : e.getValue());
            }
        }
        return new Sample(c.id(), c.source(), c.quality(), c.createdAt(), instruction, input, output, msgs, meta,
                c.origin());
    }
}
