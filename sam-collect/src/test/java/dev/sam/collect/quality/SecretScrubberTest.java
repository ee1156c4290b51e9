package dev.sam.collect.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The planted-secret corpus: scrubbed before storage; ordinary code left alone. */
class SecretScrubberTest {
    private final SecretScrubber scrubber = SecretScrubber.DEFAULT;

    @Test
    void plantedSecretsOfManyKindsAreScrubbed() {
        List<PlantedSecrets.Planted> corpus = new PlantedSecrets(42).corpus();
        Set<String> kinds = corpus.stream().map(PlantedSecrets.Planted::kind).collect(Collectors.toSet());
        assertTrue(corpus.size() >= 50 && kinds.size() >= 10, corpus.size() + " secrets of " + kinds.size() + " kinds");
        List<String> missed = new ArrayList<>();
        int scrubbed = 0;
        for (PlantedSecrets.Planted p : corpus) {
            assertTrue(p.text().contains(core(p.secret())), "the secret is planted in its text");
            String out = scrubber.clean(p.text());
            if (!out.contains(core(p.secret()))) {
                scrubbed++;
            } else if (!SecretDetector.stillSecret(out)) {
                missed.add(p.kind() + ": " + out);
            }
        }
        double rate = scrubbed / (double) corpus.size();
        assertTrue(rate >= 0.99, "scrubbed " + scrubbed + "/" + corpus.size() + "; missed:\n" + String.join("\n", missed));
        assertTrue(missed.isEmpty(), "neither scrubbed nor caught by the residual check:\n" + String.join("\n", missed));
    }

    @Test
    void placeholdersAreTypedAndTheRestOfTheTextStays() {
        String text = "+aws_access_key_id = AKIAQWERTYUIOPASDF23\n+region = eu-west-1\n";
        SecretScrubber.Result r = scrubber.scrub(text);
        assertEquals("+aws_access_key_id = <AWS_ACCESS_KEY_ID>\n+region = eu-west-1\n", r.text());
        assertEquals(1, r.found().get("aws_access_key_id"));
        assertEquals("postgres://admin:<PASSWORD>@db:5432/app", scrubber.clean("postgres://admin:hunter2hunter2@db:5432/app"));
        assertEquals("mail <EMAIL> now", scrubber.clean("mail jane@example.org now"));
        assertEquals(r.text(), scrubber.clean(r.text()), "scrubbing is idempotent");
    }

    @Test
    void ordinaryCodeIsLeftAlone() {
        List<String> ordinary = List.of(
                "private final TokenService tokenService;\nString token = tokenService.issue(user);",
                "tokenizer = AutoTokenizer.from_pretrained(\"Qwen/Qwen2.5-Coder-1.5B-Instruct\")",
                "max_tokens = 512\nnum_tokens: int = len(ids)",
                "password = input(\"Password: \")\nif not check_password(user, password):\n    raise AuthError()",
                "passwordField.setText(\"\");\nString label = \"Enter your password\";",
                "SECRET_KEY_ENV = \"SAM_SECRET_KEY\"\nsecret = os.environ[\"SAM_SECRET_KEY\"]",
                "password: ${DB_PASSWORD}\napi_key: \"{{ api_key }}\"\ntoken: \"<your token here>\"",
                "\"password\": \"********\"",
                "Reverts commit 3f2c1a9b8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b, see #1234.",
                "id = UUID.fromString(\"550e8400-e29b-41d4-a716-446655440000\");",
                "const logo = \"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\";",
                "git remote add origin git@github.com:acme/app.git",
                "sha256 = \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"",
                "@Override\npublic String getPassword() { return password; }",
                "def get_auth_token(self) -> str:\n    \"\"\"Returns the cached token.\"\"\"\n    return self._token",
                "jwt_secret_name = \"prod-jwt\"\nSECRET_NAME=my-app-secret",
                "http://localhost:8080/api/v1/users?page=2",
                "import { useAuthToken } from './auth/tokens';",
                "-    for (int i = 0; i < tokens.length; i++) {\n+    for (String token : tokens) {",
                "private static final String API_KEY_HEADER = \"X-Api-Key\";",
                "diff --git a/src/main/java/app/TokenValidator6.java b/src/main/java/app/TokenValidator6.java",
                "M sam-serve/src/main/java/dev/sam/serve/auth/ApiTokenStore.java (+12 -3)");
        for (String code : ordinary) {
            SecretScrubber.Result r = scrubber.scrub(code);
            assertEquals(code, r.text(), "changed ordinary code: " + r.found());
            assertFalse(SecretDetector.stillSecret(code), "flagged as secret: " + code);
        }
    }

    @Test
    void residualCheckCatchesARandomTokenNextToASecretName() {
        assertTrue(SecretDetector.stillSecret("my_secret_value := Zq8xLp2Vn7Rt4Wm9Kd3Hs6Fj1Gc5Yb0Q"));
        assertTrue(SecretDetector.stillSecret("-----BEGIN PRIVATE KEY-----"));
        assertTrue(SecretDetector.stillSecret("token: aB3x9KqZ/wJalrXUtnFEMI/K7MDENGbPxRfiCYzQ"), "base64 with slashes");
        assertFalse(SecretDetector.stillSecret("my_secret_value := <SECRET>"));
    }

    /** The part of a secret that must not survive (a PEM body's first line is enough to identify it). */
    private static String core(String secret) {
        int nl = secret.indexOf('\n');
        return nl > 0 ? secret.substring(0, nl) : secret;
    }
}
