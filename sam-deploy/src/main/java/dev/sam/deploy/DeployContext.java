package dev.sam.deploy;

import dev.sam.core.Times;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.store.Database;
import dev.sam.train.adapters.AdapterProbe;
import dev.sam.train.eval.GenerationProbe;
import java.time.Clock;

/**
 * What every deployment service works on: the home (paths, model volume), the database, the config,
 * a clock, and the generation check's probe. {@link #of} builds the real probe (sam-train's
 * {@link GenerationProbe}: the native engine generating from fixed prompts with the adapters), so no
 * caller gets a weaker check by forgetting to wire one; a test may replace it with {@link #withProbe}
 * (null: the check reports "not run").
 *
 * <pre>DeployContext ctx = DeployContext.of(home, db, config);</pre>
 */
public record DeployContext(SamHome home, Database db, SamConfig config, Clock clock, AdapterProbe probe) {

    public static DeployContext of(SamHome home, Database db, SamConfig config) {
        return new DeployContext(home, db, config, Clock.systemDefaultZone(), new GenerationProbe());
    }

    /** This context with another probe for the generation check (tests). */
    public DeployContext withProbe(AdapterProbe p) {
        return new DeployContext(home, db, config, clock, p);
    }

    public DeployContext withClock(Clock c) {
        return new DeployContext(home, db, config, c, probe);
    }

    /** Local ISO time to the second, as the original tool wrote timestamps. */
    String now() {
        return Times.now(clock);
    }
}
