package dev.sam.train.run;

import dev.sam.core.Bytes;
import dev.sam.train.runs.MetricsLog;
import dev.sam.train.runs.StepMetrics;
import java.util.Locale;

/**
 * Reports each optimizer step in three places with the same numbers: metrics.jsonl (the full row), the
 * progress bar (via {@link RunListener}) and the training log (the same text plus step count and ETA):
 * {@code step 12/100  loss 1.2345  val 1.4012  812 tok/s  ETA 1m10s  RSS 512 MB}.
 */
final class StepReporter {
    private final RunListener listener;
    private final TrainingLog log;
    private final MetricsLog metrics;
    private final long total;
    private final long firstStep;
    private final long startNanos = System.nanoTime();
    private Double lastVal;
    private Double lastPreference;

    StepReporter(RunListener listener, TrainingLog log, MetricsLog metrics, long total, long firstStep) {
        this.listener = listener;
        this.log = log;
        this.metrics = metrics;
        this.total = total;
        this.firstStep = firstStep;
    }

    void begin(String task) {
        listener.start(task, total);
        if (firstStep > 0) {
            listener.update(firstStep, "resumed at step " + firstStep);
        }
    }

    double elapsedS() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    void step(StepMetrics m) {
        metrics.append(m);
        String detail = detail(m);
        listener.update(m.step(), detail);
        log.line("step " + m.step() + "/" + total + "  " + detail.replace(" · ", "  ") + eta(m.step()));
    }

    void validation(StepMetrics v) {
        metrics.append(v);
        if (v.valPreferenceAccuracy() != null) {
            lastPreference = v.valPreferenceAccuracy();
            log.line(String.format(Locale.ROOT, "step %d/%d  held-out preference accuracy %.3f", v.step(), total,
                    v.valPreferenceAccuracy()));
            return;
        }
        lastVal = v.valLoss();
        log.line(String.format(Locale.ROOT, "step %d/%d  val loss %.4f  val perplexity %.3f  (%d held-out targets)",
                v.step(), total, v.valLoss(), v.valPerplexity(), v.valTokens()));
    }

    /** Progress inside a long step-less phase (the progress line only, at step {@code step}). */
    void progress(long step, String detail) {
        listener.update(step, detail);
    }

    /** A line in the training log only. */
    void note(String line) {
        log.line(line);
    }

    void finish(String summary) {
        listener.finish(summary);
    }

    private String detail(StepMetrics m) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "loss %.4f", m.loss()));
        if (m.rewardAccuracy() != null) {
            sb.append(String.format(Locale.ROOT, " · dpo reward acc %.2f · margin %.3f · logp chosen %.1f rejected %.1f",
                    m.rewardAccuracy(), m.rewardMargin(), m.logpChosen(), m.logpRejected()));
            if (lastPreference != null) {
                sb.append(String.format(Locale.ROOT, " · held-out pref acc %.2f", lastPreference));
            }
        } else if (lastVal != null) {
            sb.append(String.format(Locale.ROOT, " · val %.4f", lastVal));
        }
        sb.append(String.format(Locale.ROOT, " · %.0f tok/s", m.tokensPerS()));
        if (m.rssBytes() != null) {
            sb.append(" · RSS ").append(Bytes.human(m.rssBytes()));
        }
        return sb.toString();
    }

    private String eta(long step) {
        long done = step - firstStep;
        if (done <= 0 || step >= total) {
            return "";
        }
        long s = Math.round(elapsedS() / done * (total - step));
        return "  ETA " + duration(s);
    }

    static String duration(long s) {
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format(Locale.ROOT, "%02ds", s % 60);
        }
        return (s / 3600) + "h" + String.format(Locale.ROOT, "%02dm", (s % 3600) / 60);
    }
}
