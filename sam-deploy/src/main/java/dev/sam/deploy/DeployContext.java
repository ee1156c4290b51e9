package dev.sam.deploy;

import dev.sam.core.Times;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.store.Database;
import dev.sam.train.adapters.AdapterProbe;
import java.time.Clock;

/**
 * What every deployment service works on: the home (paths, model volume), the database, the config,
 * a clock, and the inference engine for the generation check (null when this build has none).
 *
 * <pre>DeployContext ctx = DeployContext.of(home, db, config);</pre>
 */
public record DeployContext(SamHome home, Database db, SamConfig config, Clock clock, AdapterProbe probe) {

    public static DeployContext of(SamHome home, Database db, SamConfig config) {
        return new DeployContext(home, db, config, Clock.systemDefaultZone(), null);
    }

    /** This context with an inference engine for the generation check. */
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
