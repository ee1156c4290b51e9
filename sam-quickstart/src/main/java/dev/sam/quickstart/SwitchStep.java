package dev.sam.quickstart;

import dev.sam.deploy.Promoter;
import dev.sam.deploy.RollbackResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Steps 13 ({@code sam promote}) and 14 ({@code sam rollback}): the canary becomes active, then the
 * quickstart rolls back to the version before it. Each time the running server picks the change up by
 * itself (no restart), and the demo tasks are asked again, so the summary shows both versions' answers
 * to the same tasks.
 */
final class SwitchStep implements Step {
    static final String ROLLBACK_REASON = "quickstart: rollback drill";
    private final boolean promote;

    SwitchStep(boolean promote) {
        this.promote = promote;
    }

    @Override
    public String name() {
        return promote ? "promote the canary (sam promote)" : "roll back (sam rollback)";
    }

    @Override
    public String remedy() {
        return "`sam --sam-home DIR verify` checks the version store; `sam --sam-home DIR verify --repair` fixes it";
    }

    @Override
    public Outcome run(QuickstartContext ctx) {
        Map<String, Object> d = new LinkedHashMap<>();
        String now;
        String summary;
        List<String> notes;
        if (promote) {
            Promoter.Result r = new Promoter(ctx.deployContext()).promote();
            now = r.promoted();
            d.put("promote", r);
            notes = r.notes();
            summary = r.promoted() + " is active (" + r.previous() + " retired)";
        } else {
            RollbackResult r = new dev.sam.deploy.Rollback(ctx.deployContext()).toPrevious(ROLLBACK_REASON);
            now = r.to();
            d.put("rollback", r);
            notes = r.notes();
            summary = "rolled back from " + r.from() + " to " + r.to() + " (" + r.from() + " is rolled_back)";
        }
        ctx.api.awaitServing(now, null);
        int right = 0;
        String phase = promote ? "after promote" : "after rollback";
        for (BundledData.Route task : ctx.demo) {
            Answer a = ctx.api.chat(phase, task, false);
            if (a.status() != 200 || !now.equals(a.version())) {
                throw dev.sam.core.SamException.failure("after the switch to " + now + " a request was answered by "
                        + a.version() + " with status " + a.status(), remedy());
            }
            ctx.answers.add(a);
            right += a.correct() ? 1 : 0;
        }
        d.put("serving", now);
        return new Outcome(summary + "; the server switched without a restart; " + now + " routed " + right + " of "
                + ctx.demo.size() + " new tasks as the log does", d, notes);
    }
}
