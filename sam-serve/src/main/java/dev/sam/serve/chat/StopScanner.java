package dev.sam.serve.chat;

import java.io.IOException;
import java.util.List;

/**
 * Applies OpenAI {@code stop} sequences to streamed text: passes text on as it comes, except a tail
 * that might be the start of a stop sequence, which it holds until the next piece decides; on a stop
 * sequence it passes on what precedes it and tells the generator to stop (the sequence itself is not
 * part of the answer, as in OpenAI's API).
 *
 * <pre>StopScanner s = new StopScanner(List.of("\n\n"), out); backend.generate(g, s); s.finish();</pre>
 */
public final class StopScanner implements ChatBackend.TextSink {
    private final List<String> stops;
    private final ChatBackend.TextSink downstream;
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder emitted = new StringBuilder();
    private boolean stopped;

    public StopScanner(List<String> stops, ChatBackend.TextSink downstream) {
        this.stops = List.copyOf(stops);
        this.downstream = downstream;
    }

    @Override
    public boolean accept(String delta) throws IOException {
        if (stopped) {
            return false;
        }
        pending.append(delta);
        int cut = -1;
        for (String s : stops) {
            int i = pending.indexOf(s);
            if (i >= 0 && (cut < 0 || i < cut)) {
                cut = i;
            }
        }
        if (cut >= 0) {
            stopped = true;
            emit(pending.substring(0, cut));
            pending.setLength(0);
            return false;
        }
        int keep = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, pending.length()); k > keep; k--) {
                if (pending.substring(pending.length() - k).equals(s.substring(0, k))) {
                    keep = k;
                    break;
                }
            }
        }
        String out = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return emit(out);
    }

    /** Passes on the held-back tail (generation ended without completing a stop sequence). */
    public void finish() throws IOException {
        if (!stopped && pending.length() > 0) {
            emit(pending.toString());
            pending.setLength(0);
        }
    }

    /** True when a stop sequence ended the text. */
    public boolean stopped() {
        return stopped;
    }

    /** Everything passed on so far. */
    public String text() {
        return emitted.toString();
    }

    private boolean emit(String s) throws IOException {
        if (s.isEmpty()) {
            return true;
        }
        emitted.append(s);
        return downstream.accept(s) && !stopped;
    }
}
