package dev.sam.collect.quality;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A corpus of realistic fake secrets in the places they leak from: diffs, source code, docs, config. The
 * values are generated (seeded) in the formats vendors document, so no real credential sits in this
 * repository and no secret scanner trips over the test source.
 */
final class PlantedSecrets {
    /** One planted secret: its kind, the exact secret text, and the text it is hidden in. */
    record Planted(String kind, String secret, String text) {
    }

    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    private static final String DIGITS = "0123456789";
    private static final String ALNUM = UPPER + LOWER + DIGITS;
    private static final String B64 = ALNUM + "+/";
    private static final String URLSAFE = ALNUM + "_-";

    private final Random r;

    PlantedSecrets(long seed) {
        r = new Random(seed);
    }

    String chars(String alphabet, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** Three of every kind, each in a different kind of text (diff, code, doc/config). */
    List<Planted> corpus() {
        List<Planted> out = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            add(out, round, "aws_access_key_id", "AKIA" + chars(UPPER + "234567", 16),
                    s -> "aws_access_key_id = " + s, s -> "AWSCredentials c = new BasicAWSCredentials(\"" + s + "\", secret);",
                    s -> "Use the key `" + s + "` for the staging bucket.");
            add(out, round, "aws_secret_access_key", chars(B64, 40),
                    s -> "aws_secret_access_key = " + s, s -> "AWS_SECRET_ACCESS_KEY=\"" + s + "\"",
                    s -> "  aws_secret_key: " + s);
            add(out, round, "gcp_api_key", "AIza" + chars(URLSAFE, 35),
                    s -> "const mapsKey = '" + s + "';", s -> "GOOGLE_MAPS=" + s, s -> "Open https://maps.googleapis.com/maps/api/js?key=" + s);
            add(out, round, "gcp_service_account", pemBody(),
                    s -> "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n" + s
                            + "\\n-----END PRIVATE KEY-----\\n\"}",
                    s -> "\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n" + s + "\\n-----END PRIVATE KEY-----\\n\",",
                    s -> "key = \"\"\"-----BEGIN PRIVATE KEY-----\n" + s + "\n-----END PRIVATE KEY-----\"\"\"");
            add(out, round, "azure_storage_key", chars(B64, 86) + "==",
                    s -> "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + s + ";EndpointSuffix=core.windows.net",
                    s -> "var conn = \"AccountName=acme;AccountKey=" + s + "\";", s -> "    AccountKey = " + s);
            add(out, round, "azure_client_secret", chars(ALNUM, 3) + r.nextInt(10) + "Q~" + chars(ALNUM + "_~.-", 34),
                    s -> "AZURE_CLIENT_SECRET=" + s, s -> "ClientSecretCredential(tenant, client, \"" + s + "\")",
                    s -> "The app secret is " + s + " (rotate it yearly).");
            add(out, round, "github_token", round == 1 ? "github_pat_" + chars(ALNUM, 22) + "_" + chars(ALNUM, 59)
                            : "ghp_" + chars(ALNUM, 36),
                    s -> "GITHUB_TOKEN: " + s, s -> "gh = Github(\"" + s + "\")",
                    s -> "git clone https://" + s + "@github.com/acme/app.git");
            add(out, round, "gitlab_token", "glpat-" + chars(URLSAFE, 20),
                    s -> "GITLAB_TOKEN=" + s, s -> "headers = {'PRIVATE-TOKEN': '" + s + "'}",
                    s -> "curl --header \"PRIVATE-TOKEN: " + s + "\" https://gitlab.example.com/api/v4/projects");
            add(out, round, "slack_token", "xoxb-" + chars(DIGITS, 12) + "-" + chars(DIGITS, 13) + "-" + chars(ALNUM, 24),
                    s -> "SLACK_BOT_TOKEN=" + s, s -> "client = WebClient(token=\"" + s + "\")",
                    s -> "The bot posts with " + s + " into #deploys.");
            add(out, round, "slack_webhook", "https://hooks.slack.com/services/T" + chars(UPPER + DIGITS, 8) + "/B"
                            + chars(UPPER + DIGITS, 10) + "/" + chars(ALNUM, 24),
                    s -> "webhook_url = \"" + s + "\"", s -> "post(\"" + s + "\", payload)", s -> "Alerts go to " + s);
            add(out, round, "stripe_key", (round == 2 ? "rk_live_" : "sk_live_") + chars(ALNUM, 24),
                    s -> "Stripe.apiKey = \"" + s + "\";", s -> "STRIPE_KEY=" + s, s -> "Charge with `" + s + "`.");
            add(out, round, "jwt", jwt(),
                    s -> "Authorization: Bearer " + s, s -> "const session = '" + s + "';",
                    s -> "Example token: " + s);
            add(out, round, "pem_private_key", pemBody(),
                    s -> "+-----BEGIN RSA PRIVATE KEY-----\n+" + s.replace("\n", "\n+") + "\n+-----END RSA PRIVATE KEY-----",
                    s -> "KEY = \"\"\"-----BEGIN OPENSSH PRIVATE KEY-----\n" + s + "\n-----END OPENSSH PRIVATE KEY-----\n\"\"\"",
                    s -> "```\n-----BEGIN EC PRIVATE KEY-----\n" + s + "\n-----END EC PRIVATE KEY-----\n```");
            add(out, round, "url_password", chars(ALNUM, 10) + "!" + chars(ALNUM, 5),
                    s -> "DATABASE_URL=postgres://admin:" + s + "@db.internal:5432/app",
                    s -> "conn = connect(\"mysql://root:" + s + "@localhost/shop\")",
                    s -> "Connect with `redis://default:" + s + "@cache.example.com:6379`.");
            add(out, round, "generic_secret", chars(ALNUM, 12) + "#" + chars(ALNUM, 12),
                    s -> "+    api_key = \"" + s + "\"", s -> "{\"client_secret\": \"" + s + "\"}",
                    s -> "db:\n  password: \"" + s + "\"");
            add(out, round, "env_password", chars(LOWER + DIGITS, 8) + chars(UPPER, 4) + chars(DIGITS, 3),
                    s -> "+DB_PASSWORD=" + s, s -> "export REDIS_PASSWORD=" + s, s -> "smtp_password: " + s);
            add(out, round, "email", "jane.doe" + r.nextInt(1000) + "@example-corp.com",
                    s -> "+ * @author Jane Doe <" + s + ">", s -> "MAINTAINER = \"" + s + "\"",
                    s -> "Questions? Write to " + s + ".");
            add(out, round, "openai_key", "sk-proj-" + chars(URLSAFE, 48),
                    s -> "OPENAI_API_KEY=" + s, s -> "client = OpenAI(api_key=\"" + s + "\")", s -> "Use " + s + " here.");
            add(out, round, "anthropic_key", "sk-ant-api03-" + chars(URLSAFE, 93) + "AA",
                    s -> "ANTHROPIC_API_KEY=" + s, s -> "Anthropic(api_key='" + s + "')", s -> "My key: " + s);
            add(out, round, "huggingface_token", "hf_" + chars(UPPER + LOWER, 34),
                    s -> "HF_TOKEN=" + s, s -> "login(token=\"" + s + "\")", s -> "Download with " + s + ".");
            add(out, round, "npm_token", "npm_" + chars(ALNUM, 36),
                    s -> "//registry.npmjs.org/:_authToken=" + s, s -> "NPM_TOKEN: " + s, s -> "publish using " + s);
            add(out, round, "sendgrid_key", "SG." + chars(URLSAFE, 22) + "." + chars(URLSAFE, 43),
                    s -> "SENDGRID_API_KEY=" + s, s -> "sg = SendGridAPIClient('" + s + "')", s -> "Mail via " + s);
        }
        return out;
    }

    private void add(List<Planted> out, int round, String kind, String secret, Function<String, String> diff,
                     Function<String, String> code, Function<String, String> doc) {
        Function<String, String> f = round == 0 ? diff : round == 1 ? code : doc;
        String text = "Some context before the secret.\n" + f.apply(secret) + "\nAnd some text after it.\n";
        out.add(new Planted(kind, secret, text));
    }

    private String pemBody() {
        List<String> lines = new ArrayList<>();
        lines.add("MIIEow" + chars(B64, 58));
        for (int i = 0; i < 5; i++) {
            lines.add(chars(B64, 64));
        }
        lines.add(chars(B64, 20) + "==");
        return String.join("\n", lines);
    }

    private String jwt() {
        Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
        String header = e.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = e.encodeToString(("{\"sub\":\"" + chars(DIGITS, 10) + "\",\"name\":\"Jane\",\"iat\":"
                + (1_700_000_000 + r.nextInt(1000)) + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + "." + chars(URLSAFE, 43);
    }
}
