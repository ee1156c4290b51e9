package dev.sam.serve.http;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * The security checks every request passes before its handler runs:
 * <ul>
 * <li>Host must name this server — localhost, 127.0.0.1 or [::1] with the bound port — so that a web
 *     page whose DNS name was re-bound to 127.0.0.1 cannot talk to it (DNS rebinding); with
 *     {@code --allow-remote} also the bind host and IP literals (a rebinding attack needs a name);</li>
 * <li>an Origin header, when present (browsers send it), must be such a host too: other web pages
 *     cannot drive the API;</li>
 * <li>mutating endpoints need {@code Authorization: Bearer <SAM_HOME/api_token>};</li>
 * <li>a declared body larger than {@code serve.max_body_bytes} is refused before it is read.</li>
 * </ul>
 */
public final class RequestGuard {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final int port;
    private final String bindHost;
    private final boolean allowRemote;
    private final ApiToken token;
    private final long maxBody;
    private final Set<String> allowedHosts;

    public RequestGuard(int port, String bindHost, boolean allowRemote, ApiToken token, long maxBody) {
        this(port, bindHost, allowRemote, token, maxBody, java.util.List.of());
    }

    public RequestGuard(int port, String bindHost, boolean allowRemote, ApiToken token, long maxBody,
                        java.util.List<String> allowedHosts) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.port = port;
        this.bindHost = bindHost.toLowerCase(Locale.ROOT);
        this.allowRemote = allowRemote;
        this.token = token;
        this.maxBody = maxBody;
    }

    public void checkHost(HttpCall call) {
        String host = call.header("Host");
        if (host == null || host.isBlank()) {
            throw ApiError.forbidden("missing Host header");
        }
        if (!allowed(host.trim())) {
            throw ApiError.forbidden("Host '" + host + "' is not this server (use http://127.0.0.1:" + port
                    + ", or allow the name with serve.allowed_hosts / --allow-host)");
        }
    }

    public void checkOrigin(HttpCall call) {
        String origin = call.header("Origin");
        if (origin == null) {
            return;
        }
        try {
            URI u = new URI(origin.trim());
            if ("http".equalsIgnoreCase(u.getScheme()) && u.getRawAuthority() != null && u.getPath().isEmpty()
                    && allowed(u.getRawAuthority())) {
                return;
            }
        } catch (java.net.URISyntaxException e) {
            // refused below
        }
        throw ApiError.forbidden("cross-origin requests are refused (Origin " + origin + ")");
    }

    /**
     * The bearer token. The answer never names the token file's path (a stranger learns nothing about the
     * machine); {@code sam serve --help} tells the user where it is.
     */
    public void checkToken(HttpCall call) {
        String auth = call.header("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthorized("this endpoint needs 'Authorization: Bearer <token>' (see `sam serve --help`"
                    + " for where the token is)");
        }
        if (!token.matches(auth.substring(7))) {
            throw ApiError.unauthorized("wrong API token (see `sam serve --help` for where the token is)");
        }
    }

    /**
     * Headers that must appear once: two Host headers make the request's target ambiguous (RFC 9112
     * section 3.2: "a server MUST respond with a 400 ... to any request message that contains more than one
     * Host header field"), two Content-Lengths its body (RFC 9112 section 6.3). Jetty's parser refuses
     * both already; this check keeps the rule whatever the server library's compliance mode.
     */
    public void checkHeaders(HttpCall call) {
        for (String h : new String[] {"Host", "Content-Length", "Authorization"}) {
            if (call.headerCount(h) > 1) {
                throw ApiError.badRequest("the request has " + call.headerCount(h) + " " + h + " headers (one is"
                        + " allowed)");
            }
        }
    }

    /** A Content-Length above the limit is refused before the body is read. */
    public void checkLength(HttpCall call) {
        String len = call.header("Content-Length");
        if (len == null) {
            return;
        }
        long n;
        try {
            n = Long.parseLong(len.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("invalid Content-Length '" + len + "'");
        }
        if (n > maxBody) {
            throw ApiError.tooLarge(maxBody);
        }
    }

    /** {@code authority} is host[:port]; the port must be the bound one (80 when absent, by HTTP's rule). */
    private boolean allowed(String authority) {
        String a = authority.toLowerCase(Locale.ROOT);
        String host;
        int p;
        int colon = a.lastIndexOf(':');
        if (colon > a.lastIndexOf(']')) {
            host = a.substring(0, colon);
            try {
                p = Integer.parseInt(a.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
        } else {
            host = a;
            p = 80;
        }
        if (p != port) {
            return false;
        }
        if (LOOPBACK.contains(host) || allowedHosts.contains(host)) {
            return true;
        }
        return allowRemote && (host.equals(bindHost) || ipLiteral(host));
    }

    private static boolean ipLiteral(String host) {
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (host.startsWith("[") && host.endsWith("]"));
    }
}
