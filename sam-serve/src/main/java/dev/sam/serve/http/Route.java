package dev.sam.serve.http;

/**
 * One endpoint of the API.
 *
 * @param name      endpoint name recorded in request metrics, e.g. "chat.completions"
 * @param needsToken true for endpoints that change state (bearer token from {@code SAM_HOME/api_token})
 */
public record Route(String method, String path, String name, boolean needsToken, Handler handler) {

    public static Route get(String path, String name, Handler h) {
        return new Route("GET", path, name, false, h);
    }

    public static Route post(String path, String name, Handler h) {
        return new Route("POST", path, name, false, h);
    }

    /** A POST that generates: the bearer token is required when {@code needsToken} (serve.require_token_for_chat). */
    public static Route generating(String path, String name, boolean needsToken, Handler h) {
        return new Route("POST", path, name, needsToken, h);
    }

    /** A POST that changes state: the bearer token is required. */
    public static Route mutating(String path, String name, Handler h) {
        return new Route("POST", path, name, true, h);
    }
}
