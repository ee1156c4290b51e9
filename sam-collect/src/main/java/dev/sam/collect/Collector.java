package dev.sam.collect;

import dev.sam.core.progress.ProgressListener;

/** One data source: offers candidates to the pipeline and checkpoints with its cursors. */
public interface Collector {
    void collect(SamplePipeline pipeline, ProgressListener progress);
}
