package dev.sam.collect.distill;

import dev.sam.collect.Collector;
import dev.sam.collect.SamplePipeline;
import dev.sam.collect.Source;
import dev.sam.core.model.PreferencePair;
import dev.sam.core.progress.ProgressListener;
import java.util.List;

/**
 * Distillation samples and DPO pairs from the captures not yet collected (cursor: the last capture id).
 *
 * <pre>new DistillSource(new DistillStore(db)).collect(pipeline, progress);</pre>
 */
public final class DistillSource implements Collector {
    static final String CURSOR = "captures";
    private static final int CHUNK = 500;

    private final DistillStore store;

    public DistillSource(DistillStore store) {
        this.store = store;
    }

    @Override
    public void collect(SamplePipeline p, ProgressListener progress) {
        String c = p.store().cursor(Source.DISTILL, CURSOR);
        long after = c == null ? 0 : Long.parseLong(c);
        long pending = store.counts().maxId() - after;
        progress.start("distill", Math.max(0, pending));
        long done = 0;
        while (true) {
            List<DistillStore.Stored> chunk = store.after(after, CHUNK);
            if (chunk.isEmpty()) {
                break;
            }
            for (DistillStore.Stored s : chunk) {
                p.offer(Source.DISTILL, DistillSamples.sample(s.id(), s.capture()));
                for (PreferencePair pair : DistillSamples.pairs(s.id(), s.capture())) {
                    p.offerPair(Source.DISTILL, pair);
                }
                after = s.id();
            }
            done += chunk.size();
            p.scanned(Source.DISTILL, chunk.size());
            p.cursor(Source.DISTILL, CURSOR, Long.toString(after));
            p.checkpoint();
            progress.update(done, null);
        }
        progress.finish(null);
    }
}
