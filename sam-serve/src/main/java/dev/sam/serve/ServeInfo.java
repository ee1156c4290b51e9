package dev.sam.serve;

import java.util.List;

/**
 * What a started server tells its user.
 *
 * @param tokenFile    where the bearer token for POST /api/train is ({@code SAM_HOME/api_token})
 * @param tokenCreated true when this start created it
 * @param engine       the inference engine ("none …" when this build has none)
 * @param autoRollback the policy in one line, or "disabled"
 */
public record ServeInfo(String url, String host, int port, String tokenFile, boolean tokenCreated, String active,
                        String canary, int canaryTraffic, String baseModel, String engine, String autoRollback,
                        List<String> warnings) {
    public ServeInfo {
        warnings = List.copyOf(warnings);
    }
}
