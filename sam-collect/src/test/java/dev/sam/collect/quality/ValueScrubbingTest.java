package dev.sam.collect.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.Sample;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scrubbing by value and the rules added with it; what must stay untouched. */
class ValueScrubbingTest {
    private final SecretScrubber rules = SecretScrubber.DEFAULT;

    @Test
    void aValueFoundInOneFieldIsReplacedInEveryField() {
        String diff = "+AWS_STORAGE=DefaultEndpointsProtocol=https;AccountName=acme;AccountKey="
                + "q3Zk8Lw2Xv9Rt4Yp7Nm1Bc6Df0Gh5Jk3Lq8Wz2Xc4Vb7Nm9Pq1Rs3Tu5Vw7Xy9Za1Bc3De5Fg7Hi9Jk1Lm3No5Pq7Rs==;\n";
        String message = "Rotate the storage key\n\nThe old one, q3Zk8Lw2Xv9Rt4Yp7Nm1Bc6Df0Gh5Jk3Lq8Wz2Xc4Vb7Nm9Pq1Rs3Tu5Vw7"
                + "Xy9Za1Bc3De5Fg7Hi9Jk1Lm3No5Pq7Rs==, is revoked.";
        SecretScrubber.Results r = rules.scrubAll(List.of("Write the commit message.", diff, message), new KnownSecrets());
        assertTrue(r.texts().get(1).contains("AccountKey=<AZURE_KEY>;"), r.texts().get(1));
        assertEquals("Rotate the storage key\n\nThe old one, <AZURE_KEY>, is revoked.", r.texts().get(2));
    }

    @Test
    void aValueFoundEarlierInTheRunIsReplacedInLaterSamples() {
        SampleScrubber run = new SampleScrubber(rules);
        Sample first = Sample.alpaca(null, null, 0.5, null, "Write the commit message.",
                "+WIDGET_SIGNING=Xk29fLq8ZrT3mW7vNc4B1yHs6DpQe0Ju\n", "Add the widget signing key", null);
        Sample later = Sample.alpaca(null, null, 0.5, null, "Explain this.",
                "System.setProperty(\"widget\", \"Xk29fLq8ZrT3mW7vNc4B1yHs6DpQe0Ju\");", "It sets the key.",
                new HashMap<>(Map.of("note", "was Xk29fLq8ZrT3mW7vNc4B1yHs6DpQe0Ju")));
        assertEquals("+WIDGET_SIGNING=<SECRET>\n", run.scrub(first).sample().input());
        SampleScrubber.Scrubbed s = run.scrub(later);
        assertEquals("System.setProperty(\"widget\", \"<SECRET>\");", s.sample().input());
        assertEquals("was <SECRET>", s.sample().meta().get("note"), "metadata is stored too");
        assertEquals(2, s.secrets());
        // a fresh run has not seen it: the bare value alone is no secret to the rules
        assertFalse(new SampleScrubber(rules).scrub(later).sample().input().contains("<SECRET>"));
    }

    @Test
    void connectionStringsAndUrlCredentials() {
        assertEquals("Server=db;Database=shop;User Id=app;Password=<PASSWORD>;Encrypt=True;",
                rules.clean("Server=db;Database=shop;User Id=app;Password=Tr0ub4dor&3x;Encrypt=True;"));
        assertEquals("jdbc:mysql://db:3306/shop?user=app&password=<PASSWORD>",
                rules.clean("jdbc:mysql://db:3306/shop?user=app&password=n7Gq%2Fx9Lk2"));
        assertEquals("https://x-access-token:<PASSWORD>@github.com/acme/app.git",
                rules.clean("https://x-access-token:v1.8f2c9e0d1b3a4c5d6e7f8091a2b3c4d5e6f70812@github.com/acme/app.git"));
        assertEquals("amqp://<TOKEN>@broker:5672", rules.clean("amqp://a8F3kZ0qW2xR7vT9mL4pN6bY1cD5@broker:5672"));
        assertEquals("redis://default:<PASSWORD>@cache:6379", rules.clean("redis://default:Zr8!kq2Lm4Xv@cache:6379"));
    }

    @Test
    void pemBodiesQuotedAloneOrEscapedInJson() {
        String pkcs8 = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
        assertEquals("The key starts with <PRIVATE_KEY> and goes on.",
                rules.clean("The key starts with " + pkcs8 + " and goes on."));
        String line = "q8Zx3Lm9Tr2Wv7Np4Bc1Df6Gh0Jk5Lq8Wz2Xc4Vb7Nm9Pq1Rs3Tu5Vw7Xy9Za1B+";
        assertEquals("+<PRIVATE_KEY>\n", rules.clean("+" + line + "\n"), "a 64-character body line on its own");
        String json = "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n" + pkcs8 + "\\n"
                + line + "\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"ci@acme.iam.gserviceaccount.com\"}";
        SecretScrubber.Results r = rules.scrubAll(List.of(json, "second line was " + line), new KnownSecrets());
        assertFalse(r.texts().get(0).contains(line) || r.texts().get(0).contains("MIIEvQ"), r.texts().get(0));
        assertEquals("second line was <PRIVATE_KEY>", r.texts().get(1), "body lines are remembered");
    }

    @Test
    void twilioAuthTokenNextToItsNameButNotEveryHexDigest() {
        assertEquals("TWILIO_AUTH_TOKEN=<TWILIO_AUTH_TOKEN>", rules.clean("TWILIO_AUTH_TOKEN=4ebb25bb717d2ba31daa56bef9e2092a"));
        assertEquals("Rotate the Twilio auth token to <TWILIO_AUTH_TOKEN>",
                rules.clean("Rotate the Twilio auth token to 4ebb25bb717d2ba31daa56bef9e2092a"));
        String md5 = "checksum = \"4ebb25bb717d2ba31daa56bef9e2092a\"";
        assertEquals(md5, rules.clean(md5));
    }

    @Test
    void highEntropyEnvValuesWhateverTheNameButNotIdsOrDigests() {
        assertEquals("WIDGET_SIGNING=<SECRET>", rules.clean("WIDGET_SIGNING=Xk29fLq8ZrT3mW7vNc4B1yHs6DpQe0Ju"));
        assertEquals("export FOO_BAR=\"<SECRET>\"", rules.clean("export FOO_BAR=\"aZ3kL9qW2xR7vT4mN8pB\""));
        List<String> untouched = List.of(
                "GIT_COMMIT=3f2c1a9b8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b",
                "SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "REQUEST_ID=550e8400-e29b-41d4-a716-446655440000",
                "INTEGRITY=sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
                "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64",
                "ANDROID_HOME=~/apps/android-sdk-mac_x86",
                "MAIN_CLASS=com.google.gson.internal.bind.TypeAdapters",
                "VERSION=2.10.1-SNAPSHOT-20240101",
                "DOCKER_IMAGE=eclipse-temurin:17-jdk-jammy",
                "if (a == b) { x = y; }");
        for (String s : untouched) {
            assertEquals(s, rules.clean(s));
        }
    }

    @Test
    void falseFindingsSeenOnRealRepositoriesStay() {
        List<String> untouched = List.of(
                "      return this@Cache.get(request)",
                "A docs/images/events@2x.png  (binary)",
                "    assertEquals(\"http://%25:%25@host/%25?%25#%25\", url.toString());",
                "    assertEquals(\"password\", HttpUrl.parse(\"http://user:password@host/\").decodePassword());",
                "+    this.password = percentDecode(builder.encodedPassword);",
                "-        token = JsonToken.STRING;",
                "this.typeToken = typeToken;",
                "  private static final String TOKEN = \"([a-zA-Z0-9-!#$%&'*+.^_`{|}~]+)\";",
                "\"xoxp-XXXXXXXXXX-XXXXXXXXXX-XXXXXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\",",
                "+@com.google.errorprone.annotations.CheckReturnValue",
                "append(\"-----BEGIN PRIVATE KEY-----\\n\")\n  encodeBase64Lines(keyPair.private.encoded.toByteString())\n"
                        + "  append(\"-----END PRIVATE KEY-----\\n\")");
        for (String s : untouched) {
            assertEquals(s, rules.clean(s));
        }
    }
}
