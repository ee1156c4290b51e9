package dev.sam.cli.deploy;

import dev.sam.cli.SamSubcommand;
import dev.sam.deploy.DeployContext;

/** Base of the deployment verbs: builds the sam-deploy context (with its generation check) from the CLI context. */
abstract class DeploySubcommand extends SamSubcommand {

    protected DeployContext deployContext() {
        var c = ctx();
        return DeployContext.of(c.home(), c.db(), c.config());
    }
}
