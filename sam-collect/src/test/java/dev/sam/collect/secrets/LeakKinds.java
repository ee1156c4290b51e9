package dev.sam.collect.secrets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The secret kinds of the hostile leak test, each with the forms it takes in a {@code .env} line, in code,
 * in a markdown sentence and in a commit message. Values are generated (seeded) in the vendors' documented
 * formats, so no real credential sits in this repository. Each form names the secret with its usual
 * keyword or prefix; the places that repeat the bare value without it are added by the test.
 */
final class LeakKinds {
    /**
     * One kind: its value and how it is written. {@code bare} is what a person would quote alone (the
     * value itself; the first body line of a PEM key).
     */
    record Kind(String name, String value, String env, String code, String doc, String message, String bare) {
        /** The pieces of the value none of which may reach training data (PEM: every body line). */
        List<String> pieces() {
            List<String> out = new ArrayList<>();
            for (String line : value.split("\n")) {
                out.add(line);
                if (line.length() >= 32) {
                    // a cut-off value leaks too: its head, middle and tail
                    out.add(line.substring(0, 16));
                    out.add(line.substring(line.length() / 2 - 8, line.length() / 2 + 8));
                    out.add(line.substring(line.length() - 16));
                }
            }
            return out;
        }
    }

    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    private static final String DIGITS = "0123456789";
    private static final String ALNUM = UPPER + LOWER + DIGITS;
    private static final String B64 = ALNUM + "+/";
    private static final String URLSAFE = ALNUM + "_-";
    private static final String HEX = "0123456789abcdef";

    private final Random r;
    private final List<Kind> kinds = new ArrayList<>();

    LeakKinds(long seed) {
        r = new Random(seed);
    }

    List<Kind> all() {
        kinds.clear();
        add("aws_access_key_id", "AKIA" + chars(UPPER + "234567", 16), "AWS_ACCESS_KEY_ID=%s",
                "new BasicAWSCredentials(\"%s\", secretKey)", "The uploader signs in with access key %s.",
                "Switch the uploader to access key %s");
        add("aws_secret_access_key", chars(B64, 40), "AWS_SECRET_ACCESS_KEY=%s", "String awsSecretKey = \"%s\";",
                "Set `aws_secret_access_key = %s` in the profile.", "Set aws_secret_access_key = %s for staging");
        add("github_token", "ghp_" + chars(ALNUM, 36), "GITHUB_TOKEN=%s", "GitHub gh = new GitHubBuilder().withOAuthToken(\"%s\").build();",
                "CI pushes with the token %s.", "Use token %s in CI");
        add("github_url_token", "v1." + chars(HEX, 40), "REMOTE=https://x-access-token:%s@github.com/acme/app.git",
                "String remote = \"https://x-access-token:%s@github.com/acme/app.git\";",
                "Clone with `git clone https://x-access-token:%s@github.com/acme/app.git`.",
                "Push through https://x-access-token:%s@github.com/acme/app.git");
        add("gitlab_token", "glpat-" + chars(URLSAFE, 20), "GITLAB_TOKEN=%s", "conn.setRequestProperty(\"PRIVATE-TOKEN\", \"%s\");",
                "The API answers to `PRIVATE-TOKEN: %s`.", "Call the GitLab API with %s");
        add("slack_token", "xoxb-" + chars(DIGITS, 12) + "-" + chars(DIGITS, 13) + "-" + chars(ALNUM, 24), "SLACK_BOT_TOKEN=%s",
                "Slack slack = Slack.getInstance(); slack.methods(\"%s\");", "The bot posts with %s into #deploys.",
                "Post deploy notices with %s");
        add("slack_webhook", "https://hooks.slack.com/services/T" + chars(UPPER + DIGITS, 8) + "/B" + chars(UPPER + DIGITS, 10)
                        + "/" + chars(ALNUM, 24), "ALERTS=%s", "URI hook = URI.create(\"%s\");", "Alerts go to %s.",
                "Send alerts to %s");
        add("stripe_key", "sk_live_" + chars(ALNUM, 24), "STRIPE_KEY=%s", "Stripe.apiKey = \"%s\";", "Charge with `%s`.",
                "Charge with %s from now on");
        add("google_api_key", "AIza" + chars(URLSAFE, 35), "MAPS_KEY=%s", "String mapsKey = \"%s\";",
                "Maps load with https://maps.googleapis.com/maps/api/js?key=%s.", "Load maps with key %s");
        add("openai_key", "sk-proj-" + chars(URLSAFE, 48), "OPENAI_API_KEY=%s", "OpenAI client = new OpenAI(\"%s\");",
                "Use %s for the summarizer.", "Summarize with %s");
        add("npm_token", "npm_" + chars(ALNUM, 36), "NPM_TOKEN=%s", "String npmrc = \"//registry.npmjs.org/:_authToken=%s\";",
                "Publish using %s.", "Publish with %s");
        add("jwt", jwt(), "SESSION=%s", "request.header(\"Authorization\", \"Bearer %s\");", "Example session: %s",
                "Test the session %s");
        add("database_url", chars(ALNUM, 10) + "!" + chars(ALNUM, 5), "DATABASE_URL=postgres://app:%s@db.internal:5432/app",
                "String url = \"postgres://app:%s@db.internal:5432/app\";",
                "Connect with `postgres://app:%s@db.internal:5432/app`.",
                "Point staging at DATABASE_URL=postgres://app:%s@db.internal:5432/app");
        add("azure_account_key", chars(B64, 86) + "==",
                "AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=%s;EndpointSuffix=core.windows.net",
                "String conn = \"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=%s;EndpointSuffix=core.windows.net\";",
                "Storage: `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=%s;EndpointSuffix=core.windows.net`",
                "Use AccountName=acme;AccountKey=%s for the blobs");
        add("ado_password", chars(ALNUM, 9) + "$" + chars(ALNUM, 6),
                "SQL=Server=tcp:db.acme.net,1433;Database=shop;User ID=app;Password=%s;Encrypt=True;",
                "String cs = \"Server=tcp:db.acme.net,1433;Database=shop;User ID=app;Password=%s;Encrypt=True;\";",
                "The connection string is `Server=db;Database=shop;User Id=app;Password=%s;`.",
                "Connect with Server=db;User Id=app;Password=%s;");
        add("jdbc_password", chars(ALNUM, 8) + "%" + chars(ALNUM, 7), "JDBC=jdbc:mysql://db:3306/shop?user=app&password=%s",
                "String jdbc = \"jdbc:mysql://db:3306/shop?user=app&password=%s\";",
                "JDBC: `jdbc:mysql://db:3306/shop?user=app&password=%s`", "Use jdbc:mysql://db:3306/shop?user=app&password=%s");
        String pem = pemBody();
        add("pem_private_key", pem, "PRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\\n" + pem.replace("\n", "\\n")
                        + "\\n-----END PRIVATE KEY-----\"",
                "String key = \"\"\"\n-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n\"\"\";",
                "```\n-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n```",
                "Add the deploy key\n-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----");
        String gcp = pemBody();
        String json = "{\"type\": \"service_account\", \"project_id\": \"acme\", \"private_key_id\": \"" + chars(HEX, 40)
                + "\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n" + gcp.replace("\n", "\\n")
                + "\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"ci@acme.iam.gserviceaccount.com\"}";
        kinds.add(new Kind("gcp_service_account", gcp, "GOOGLE_CREDENTIALS=" + json, "String sa = \"" + json.replace("\"", "\\\"")
                + "\";", "```json\n" + json + "\n```", "Use the service account " + json, gcp.substring(0, gcp.indexOf('\n'))));
        add("twilio_auth_token", chars(HEX, 32), "TWILIO_AUTH_TOKEN=%s", "Twilio.init(\"AC" + chars(HEX, 32) + "\", \"%s\");",
                "The Twilio auth token is %s.", "Rotate the Twilio auth token to %s");
        add("sendgrid_key", "SG." + chars(URLSAFE, 22) + "." + chars(URLSAFE, 43), "SENDGRID_API_KEY=%s",
                "SendGrid sg = new SendGrid(\"%s\");", "Mail goes out via %s.", "Send mail with %s");
        add("huggingface_token", "hf_" + chars(UPPER + LOWER, 34), "HF_TOKEN=%s", "hub.login(\"%s\");",
                "Download the weights with %s.", "Download weights with %s");
        add("env_high_entropy", chars(ALNUM, 20) + chars(DIGITS, 4) + chars(ALNUM, 8), "WIDGET_SIGNING=%s",
                "System.setProperty(\"WIDGET_SIGNING\", \"%s\");", "Set `WIDGET_SIGNING=%s` before starting.",
                "Start with WIDGET_SIGNING=%s");
        return List.copyOf(kinds);
    }

    private void add(String name, String value, String env, String code, String doc, String message) {
        Function<String, String> f = t -> t.replace("%s", value);
        kinds.add(new Kind(name, value, f.apply(env), f.apply(code), f.apply(doc), f.apply(message),
                value.contains("\n") ? value.substring(0, value.indexOf('\n')) : value));
    }

    private String chars(String alphabet, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** A PKCS#8 body: the DER prefix of an RSA key (MIIEvQIBADANBgkqhkiG9w0BAQEFAASC), then random base64. */
    private String pemBody() {
        List<String> lines = new ArrayList<>();
        lines.add("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + chars(B64, 32));
        for (int i = 0; i < 4; i++) {
            lines.add(chars(B64, 64));
        }
        lines.add(chars(B64, 20) + "==");
        return String.join("\n", lines);
    }

    private String jwt() {
        Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
        String header = e.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = e.encodeToString(("{\"sub\":\"" + HexFormat.of().toHexDigits(r.nextInt()) + "\",\"iat\":"
                + (1_700_000_000 + r.nextInt(1000)) + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + "." + chars(URLSAFE, 43);
    }
}
