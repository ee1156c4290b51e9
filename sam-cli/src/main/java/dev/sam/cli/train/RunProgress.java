package dev.sam.cli.train;

import dev.sam.cli.Output;
import dev.sam.cli.TerminalProgress;
import dev.sam.train.run.RunListener;

/** Shows a run on stderr: the progress bar, warnings, stages. */
public final class RunProgress implements RunListener {
    private final Output out;
    private final TerminalProgress bar;

    public RunProgress(Output out) {
        this.out = out;
        this.bar = out.progress();
    }

    @Override
    public void start(String task, long total) {
        bar.start(task, total);
    }

    @Override
    public void update(long done, String detail) {
        bar.update(done, detail);
    }

    @Override
    public void finish(String summary) {
        bar.finish(summary);
    }

    @Override
    public void warning(String message) {
        out.warn(message);
    }

    @Override
    public void stage(String message) {
        out.note(message + " ...");
    }
}
