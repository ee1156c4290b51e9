package dev.sam.cli.deploy;

import dev.sam.cli.SamSubcommand;
import dev.sam.deploy.DeployContext;
import dev.sam.train.adapters.AdapterProbe;

/** Base of the deployment verbs: builds the sam-deploy context from the CLI context. */
abstract class DeploySubcommand extends SamSubcommand {

    protected DeployContext deployContext() {
        var c = ctx();
        DeployContext d = DeployContext.of(c.home(), c.db(), c.config());
        AdapterProbe probe = probe();
        return probe == null ? d : d.withProbe(probe);
    }

    /**
     * The inference engine for the generation check. None in this build yet: sam-train's native
     * engine plugs in here (an {@link AdapterProbe} over its generate + repetition rate), and until
     * then validation reports "generation check: not run (no inference engine available)".
     */
    static AdapterProbe probe() {
        return null;
    }
}
