package dev.sam.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A request over a plain socket, for headers java.net.http will not send (a foreign Host). */
final class RawHttp {
    private RawHttp() {
    }

    /** Sends the request text and returns the whole response text (the server closes or sends a body). */
    static String send(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) > 0; ) {
                sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                if (sb.indexOf("\r\n\r\n") > 0 && sb.toString().contains("}\n")) {
                    break;
                }
            }
            return sb.toString();
        }
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }
}
