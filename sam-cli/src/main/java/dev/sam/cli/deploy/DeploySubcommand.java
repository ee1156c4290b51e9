package dev.sam.cli.deploy;

import dev.sam.cli.SamSubcommand;
import dev.sam.deploy.DeployContext;
import dev.sam.train.adapters.AdapterProbe;
import dev.sam.train.eval.GenerationProbe;

/** Base of the deployment verbs: builds the sam-deploy context from the CLI context. */
abstract class DeploySubcommand extends SamSubcommand {

    protected DeployContext deployContext() {
        var c = ctx();
        DeployContext d = DeployContext.of(c.home(), c.db(), c.config());
        AdapterProbe probe = probe();
        return probe == null ? d : d.withProbe(probe);
    }

    /**
     * The inference engine for the generation check: sam-train's native engine (base + adapters, fixed
     * prompts, repetition rate). It reports "not run" itself for a base model without weights.
     */
    static AdapterProbe probe() {
        return new GenerationProbe();
    }
}
