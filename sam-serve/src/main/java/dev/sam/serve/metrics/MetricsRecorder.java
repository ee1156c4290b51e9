package dev.sam.serve.metrics;

import dev.sam.core.store.RequestRecord;
import dev.sam.serve.http.HttpCall;
import java.util.function.Consumer;

/** Turns each finished request into a {@link RequestRecord} for the {@link MetricsWriter}. */
public final class MetricsRecorder implements Consumer<HttpCall> {
    private final MetricsWriter writer;
    private final ProcessMemory memory;

    public MetricsRecorder(MetricsWriter writer, ProcessMemory memory) {
        this.writer = writer;
        this.memory = memory;
    }

    @Override
    public void accept(HttpCall call) {
        boolean generating = !HttpCall.NO_VERSION.equals(call.version());
        writer.record(new RequestRecord(call.startMillis(), call.version(), call.endpoint(), call.ok(),
                call.elapsedMs(), memory.rssBytes(), generating ? call.tokens() : null));
    }
}
