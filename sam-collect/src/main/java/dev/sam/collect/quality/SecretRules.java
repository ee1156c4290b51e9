package dev.sam.collect.quality;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The secrets SAM scrubs before anything is stored. Prefix formats follow the vendors' documented
 * token formats (GitHub "Behind GitHub's new authentication token formats", GitLab "Token prefixes",
 * Slack, Stripe API keys, AWS IAM unique-ID prefixes, Google API keys, Azure storage connection
 * strings) and the rule set of gitleaks' default config, reduced to what can be checked without
 * context. Order matters: private-key blocks go first so their base64 body is not matched piecemeal.
 */
public final class SecretRules {
    private static final String B64 = "A-Za-z0-9+/";
    private static final String URLSAFE = "A-Za-z0-9_\\-";
    /** A secret-ish name: password, api_key, client_secret, GITHUB_TOKEN, … */
    static final String KEYWORD = "(?:secret|token|passw(?:or)?d|passwd|pwd|api[_\\-.]?key|apikey|access[_\\-.]?key"
            + "|private[_\\-.]?key|client[_\\-.]?secret|auth[_\\-.]?key|credentials?)";
    /**
     * A name that ends in a secret word, allowing a short suffix (DB_PASSWORD, apiKey, client_secret_prod,
     * SECRET_KEY_BASE) but not a longer word ("tokenizer", "password_label", "max_tokens").
     */
    private static final String NAME_TAIL = KEYWORD + "(?:[_\\-.]?(?:key|value|base|b64|hash|raw"
            + "|plain|str|string|env|prod|dev|live|test|\\d{1,3})){0,2}(?![A-Za-z0-9_])";
    private static final String NAME = "[A-Za-z0-9_.\\-]{0,40}" + NAME_TAIL;

    private static final Pattern NOT_AN_ADDRESS = Pattern.compile("(?:this|super|return|break|continue)@.*"
            + "|.*\\.(?:png|jpe?g|gif|svg|webp|ico|pdf|css|js|ts|kt|java|py|rb|go|rs|md|txt|html?|xml|json|ya?ml)");

    public static final List<SecretRule> ALL = List.of(
            // the body: base64, line breaks (escaped too), quotes, + and | of string concatenation and margins, and
            // the Proc-Type/DEK-Info headers, but no code (a function writing a PEM is no key)
            SecretRule.of("private_key", "<PRIVATE_KEY>",
                    "-----BEGIN[ A-Z0-9]{0,20}PRIVATE KEY(?: BLOCK)?-----(?:(?!-----END)[" + B64 + "=\\s\"'`|,\\\\:.\\-]){0,12000}?"
                            + "-----END[ A-Z0-9]{0,20}PRIVATE KEY(?: BLOCK)?-----", "PRIVATE KEY"),
            // A key block cut off (e.g. by diff truncation): the header and every base64-looking line after it (at
            // least one: a header alone is code that writes a PEM, or is left to the residual check).
            SecretRule.of("private_key", "<PRIVATE_KEY>",
                    "-----BEGIN[ A-Z0-9]{0,20}PRIVATE KEY(?: BLOCK)?-----(?:(?:\\\\n|[\\s+\\-\"',])*[" + B64
                            + "=:]{16,})+", "PRIVATE KEY"),
            // A key's DER body quoted without its armour: the first base64 line of PKCS#8 / PKCS#1 RSA / SEC1 EC /
            // PKCS#8 EC and Ed25519 keys begins with fixed ASN.1 bytes (RFC 5208, RFC 8017 A.1.2, RFC 5915, RFC 8410).
            SecretRule.of("private_key", "<PRIVATE_KEY>", "(?<![" + B64 + "])(?:MII[" + B64 + "]{2,3}(?:IBADAN|IBAAK)"
                    + "|MHcCAQEE|MIGHAgEAMBMG|MC4CAQAwBQYDK2Vw)[" + B64 + "]{8,}={0,2}", "MII", "MHcCAQEE", "MIGHAgEA", "MC4CAQAw"),
            // Any other body line: exactly 64 base64 characters alone on a line (RFC 7468's line width), random
            // looking. A certificate's body line goes too (public, but harmless to lose).
            SecretRule.of("private_key", "<PRIVATE_KEY>", "([+\\- ]?[ \\t\"']*+)([" + B64 + "]{64})(?=[\"',]*(?:\\\\n)?[\"',]*\\s*$)")
                    .group(2).in(SecretRule.Scope.LONG_LINE_STARTS)
                    .check(v -> Entropy.classes(v) >= 3 && Entropy.bitsPerChar(v) >= 4.5),
            SecretRule.of("aws_access_key_id", "<AWS_ACCESS_KEY_ID>",
                    "\\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\\b",
                    "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "AROA", "APKA"),
            SecretRule.of("aws_secret_access_key", "<AWS_SECRET_ACCESS_KEY>",
                    "(?i)(aws.{0,24}?(?:secret|key).{0,24}?[=:]\\s*[\"']?)([" + B64 + "]{40})(?![" + B64 + "])",
                    "aws").lowerHints().group(2),
            SecretRule.of("gcp_api_key", "<GCP_API_KEY>", "\\bAIza[" + URLSAFE + "]{35}(?![" + URLSAFE + "])", "AIza"),
            SecretRule.of("gcp_oauth_secret", "<GCP_OAUTH_SECRET>", "\\bGOCSPX-[" + URLSAFE + "]{28}", "GOCSPX-"),
            SecretRule.of("gcp_access_token", "<GCP_ACCESS_TOKEN>", "\\bya29\\.[" + URLSAFE + "]{20,}", "ya29."),
            SecretRule.of("gcp_private_key_id", "<GCP_PRIVATE_KEY_ID>",
                    "(\"private_key_id\"\\s*:\\s*\")([0-9a-f]{40})", "private_key_id").group(2),
            SecretRule.of("azure_key", "<AZURE_KEY>",
                    "((?:AccountKey|SharedAccessKey|AccessKey|PrimaryKey)\\s*=\\s*)([" + B64 + "]{30,}={0,2})",
                    "Key=", "Key =").group(2),
            SecretRule.of("azure_sas_signature", "<AZURE_SAS_SIGNATURE>", "([?&]sig=)([A-Za-z0-9%+/=]{20,})", "sig=")
                    .group(2),
            SecretRule.of("azure_client_secret", "<AZURE_CLIENT_SECRET>",
                    "(?<![A-Za-z0-9_~.\\-])[A-Za-z0-9_~.\\-]{3}\\dQ~[A-Za-z0-9_~.\\-]{31,34}(?![A-Za-z0-9_~.\\-])", "Q~"),
            SecretRule.of("github_token", "<GITHUB_TOKEN>",
                    "\\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})",
                    "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
            SecretRule.of("gitlab_token", "<GITLAB_TOKEN>",
                    "\\b(?:(?:glpat|gldt|glrt|glptt|glcbt|glft|glsoat|glimt|glagent)-[" + URLSAFE + "]{20,}"
                            + "|GR1348941[" + URLSAFE + "]{20,})", "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glft-", "glsoat-",
                    "glimt-", "glagent-", "GR1348941"),
            SecretRule.of("slack_token", "<SLACK_TOKEN>", "\\bxox[abposre]-[A-Za-z0-9\\-]{10,}", "xox"),
            SecretRule.of("slack_webhook", "<SLACK_WEBHOOK>",
                    "https://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_\\-]{20,}", "hooks.slack.com"),
            SecretRule.of("stripe_key", "<STRIPE_KEY>", "\\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}|\\bwhsec_[A-Za-z0-9]{24,}",
                    "_live_", "_test_", "whsec_"),
            SecretRule.of("anthropic_key", "<ANTHROPIC_KEY>", "\\bsk-ant-[a-z]{3,6}\\d{2}-[" + URLSAFE + "]{40,}", "sk-ant-"),
            SecretRule.of("openai_key", "<OPENAI_KEY>",
                    "\\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?(?:[" + URLSAFE + "]{20,}T3BlbkFJ[" + URLSAFE + "]{20,}|["
                            + URLSAFE + "]{40,})", "sk-"),
            SecretRule.of("huggingface_token", "<HUGGINGFACE_TOKEN>", "\\bhf_[A-Za-z0-9]{30,}", "hf_"),
            SecretRule.of("npm_token", "<NPM_TOKEN>", "\\bnpm_[A-Za-z0-9]{36}\\b", "npm_"),
            SecretRule.of("pypi_token", "<PYPI_TOKEN>", "\\bpypi-AgEIcHlwaS5vcmc[" + URLSAFE + "]{40,}", "pypi-"),
            SecretRule.of("sendgrid_key", "<SENDGRID_KEY>", "\\bSG\\.[" + URLSAFE + "]{22}\\.[" + URLSAFE + "]{43}", "SG."),
            SecretRule.of("twilio_key", "<TWILIO_KEY>", "\\b(?:SK|AC)[0-9a-f]{32}\\b", "SK", "AC").perLine(),
            // Twilio's auth token is 32 hex digits like an MD5 sum: only next to the vendor's name (not the AC… SID)
            SecretRule.of("twilio_auth_token", "<TWILIO_AUTH_TOKEN>",
                    "((?i:twilio)[^\\n]{0,80}?)(?<![0-9A-Fa-f])([0-9a-f]{32})(?![0-9A-Fa-f])", "twilio").lowerHints()
                    .group(2).perLine(),
            SecretRule.of("mailgun_key", "<MAILGUN_KEY>", "\\bkey-[0-9a-f]{32}\\b", "key-"),
            SecretRule.of("telegram_token", "<TELEGRAM_TOKEN>", "\\b\\d{8,10}:AA[" + URLSAFE + "]{33}\\b", ":AA"),
            SecretRule.of("digitalocean_token", "<DIGITALOCEAN_TOKEN>", "\\bdo[por]_v1_[a-f0-9]{64}\\b", "_v1_"),
            SecretRule.of("shopify_token", "<SHOPIFY_TOKEN>", "\\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\\b", "shp"),
            SecretRule.of("jwt", "<JWT>",
                    "\\beyJ[" + URLSAFE + "]{10,}\\.eyJ[" + URLSAFE + "]{10,}\\.[" + URLSAFE + "]{10,}", "eyJ"),
            SecretRule.of("bearer_token", "<TOKEN>", "(?i)(\\bbearer\\s+)([A-Za-z0-9_\\-.=+/~]{20,})", "bearer")
                    .lowerHints().group(2).check(Entropy::looksRandom),
            SecretRule.of("basic_auth", "<BASIC_AUTH>", "(?i)(authorization[\"']?\\s*[:=]\\s*[\"']?basic\\s+)([" + B64
                    + "=]{12,})", "basic").lowerHints().group(2),
            SecretRule.of("url_password", "<PASSWORD>",
                    "(\\b[a-zA-Z][a-zA-Z0-9+.\\-]{1,20}://[^\\s:/@\"'<>]{1,100}:)([^\\s@/\"'<>]{1,200})(@)", "://")
                    .group(2).perLine().check(Entropy::isUrlPassword),
            // a token as the whole user part: https://ghp_…@github.com, https://oauth2-token@host
            SecretRule.of("url_token", "<TOKEN>", "(\\b[a-zA-Z][a-zA-Z0-9+.\\-]{1,20}://)([A-Za-z0-9_\\-.~]{20,200})(?=@)",
                    "://").group(2).perLine().check(Entropy::looksRandom),
            // Password=… in ADO.NET / ODBC connection strings and password=… in JDBC URLs (after ; ? or &)
            SecretRule.of("connection_password", "<PASSWORD>",
                    "(?i)(;\\s*(?:password|pwd|passwd)\\s*=\\s*)([^;\\s\"'<>`]{3,200})", "password", "pwd", "passwd")
                    .lowerHints().group(2).perLine().check(v -> !Entropy.isPlaceholder(v) && !v.startsWith("{")),
            SecretRule.of("connection_password", "<PASSWORD>",
                    "(?i)([?&](?:password|pwd|passwd)=)([^&;\\s\"'<>`#]{3,200})", "password", "pwd", "passwd")
                    .lowerHints().group(2).perLine().check(v -> !Entropy.isPlaceholder(v) && !v.startsWith("{")),
            // name = "value" / name: 'value' / "name": "value" in code, JSON, YAML, TOML, properties
            SecretRule.of("generic_secret", "<SECRET>",
                    "(?i)(" + NAME_TAIL + "[\"']?\\s*(?::=|=>|==|[:=])\\s*[\"'`])([^\"'`\\s]{8,200})(?=[\"'`])",
                    "secret", "token", "passw", "pwd", "key", "credential").lowerHints().group(2).perLine()
                    .check(Entropy::looksRandom),
            // NAME=value in .env files and shell (a diff line may start with + - or space)
            SecretRule.of("generic_secret", "<SECRET>",
                    "(?im)^([+\\- ]?\\s*(?:export\\s+)?" + NAME + "\\s*[=:]\\s*)([^\\s\"'#`]{8,200})\\s*$",
                    "secret", "token", "passw", "pwd", "key", "credential").lowerHints().group(2).perLine()
                    .check(Entropy::looksRandom),
            SecretRule.of("email", "<EMAIL>",
                    "(?<![A-Za-z0-9._%+\\-])[A-Za-z0-9][A-Za-z0-9._%+\\-]{0,63}+@[A-Za-z0-9\\-]{1,63}(?:\\.[A-Za-z0-9\\-]{1,63})*"
                            + "\\.[A-Za-z]{2,24}\\b", "@").perLine()
                    // git@github.com:org/repo is an SSH remote, this@Cache.get a Kotlin label, icon@2x.png a file
                    .check(v -> !v.startsWith("git@") && !NOT_AN_ADDRESS.matcher(v).matches()),
            // NAME=value whatever the name (.env files, shell, docs): a long random-looking value is a secret
            // unless it is a commit id, a digest or a UUID (Entropy.isHighEntropySecret)
            // (the '=' first and the name in a look-behind: the pattern is tried only where a '=' stands)
            SecretRule.of("env_secret", "<SECRET>", "(=(?<=(?<![A-Za-z0-9_$.\\-])[A-Z][A-Z0-9_]{1,60}\\s?=)\\s?[\"']?)"
                    + "([A-Za-z0-9+/_\\-.~!@#%^*=]{16,200}+)(?=[\"'`]?(?:[\\s;,)`]|$))", "=").group(2).in(SecretRule.Scope.AT_HINT)
                    .check(Entropy::isHighEntropySecret));

    private SecretRules() {
    }

    /** Patterns used by {@link SecretDetector} for lines that name a secret. */
    static final Pattern KEYWORD_PATTERN = Pattern.compile("(?i)" + KEYWORD);
}
