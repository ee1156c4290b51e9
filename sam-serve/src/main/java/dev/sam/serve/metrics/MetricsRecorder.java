package dev.sam.serve.metrics;

import dev.sam.core.store.RequestRecord;
import dev.sam.serve.http.HttpCall;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** Turns each finished request into a {@link RequestRecord} for the {@link MetricsWriter}. */
public final class MetricsRecorder implements Consumer<HttpCall> {
    private final MetricsWriter writer;
    private final ProcessMemory memory;
    private final LongSupplier clock;

    public MetricsRecorder(MetricsWriter writer, ProcessMemory memory) {
        this(writer, memory, System::currentTimeMillis);
    }

    /** {@code clock}: epoch milliseconds, the one the auto-rollback monitor reads windows with. */
    public MetricsRecorder(MetricsWriter writer, ProcessMemory memory, LongSupplier clock) {
        this.writer = writer;
        this.memory = memory;
        this.clock = clock;
    }

    @Override
    public void accept(HttpCall call) {
        boolean generating = !HttpCall.NO_VERSION.equals(call.version());
        double elapsed = call.elapsedMs();
        writer.record(new RequestRecord(clock.getAsLong() - Math.round(elapsed), call.version(), call.endpoint(),
                call.ok(), elapsed, memory.rssBytes(), generating ? call.tokens() : null,
                generating ? call.service() : null));
    }
}
