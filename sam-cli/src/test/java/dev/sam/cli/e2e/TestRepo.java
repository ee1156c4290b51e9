package dev.sam.cli.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * A real git repository for the end-to-end tests, made with JGit (as sam-collect reads it): a small Java
 * project whose every commit adds one documented class with a message saying what it does, and a README
 * with a few sections (for the docs source).
 */
public final class TestRepo {
    private static final String[] NOUNS = {"invoice", "customer", "order", "payment", "report", "session", "voucher",
        "cache", "queue", "schedule", "profile", "address", "receipt", "coupon", "ledger", "shipment"};

    private TestRepo() {
    }

    /** Makes {@code dir} a repository with {@code commits} commits (one minute apart from 2023-11-14). */
    public static Path create(Path dir, int commits) throws Exception {
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            Files.writeString(dir.resolve("README.md"), README);
        }
        return addCommits(dir, 0, commits);
    }

    /** Adds commits number {@code from} to {@code from + count - 1} (new work since the last collection). */
    public static Path addCommits(Path dir, int from, int count) throws Exception {
        try (Git git = Git.open(dir.toFile())) {
            for (int i = from; i < from + count; i++) {
                String noun = NOUNS[i % NOUNS.length];
                String cls = Character.toUpperCase(noun.charAt(0)) + noun.substring(1) + "Validator" + i;
                Path f = dir.resolve("src/main/java/app/" + cls + ".java");
                Files.createDirectories(f.getParent());
                Files.writeString(f, "package app;\n\n/** Checks a " + noun + " before it is stored (rule " + i
                        + "). */\npublic final class " + cls + " {\n    /**\n     * Whether the " + noun
                        + " has a name of at least " + (i % 7 + 1) + " characters.\n     *\n     * @param name the "
                        + noun + "'s name\n     * @return true when it is long enough\n     */\n"
                        + "    public boolean valid(String name) {\n        return name != null && name.strip().length() >= "
                        + (i % 7 + 1) + ";\n    }\n}\n");
                git.add().addFilepattern(".").call();
                PersonIdent who = new PersonIdent("Dev", "dev@example.com",
                        Instant.ofEpochSecond(1_700_000_000L + i * 60L), ZoneOffset.UTC);
                git.commit().setMessage("Validate the " + noun + " name before storing it (rule " + i + ")")
                        .setAuthor(who).setCommitter(who).setSign(false).call();
            }
        }
        return dir;
    }

    private static final String README = """
            # shop-validators

            Validation rules for the shop's records: every record type has a validator class
            that checks it before it is stored in the database.

            ## Build

            Build with `mvn package`; the tests run with `mvn test`. Java 17 or newer is needed.

            ## Adding a rule

            Add a class named after the record type with a `valid` method that returns true when
            the record may be stored, and a test for the boundary values of the rule.

            ## Releasing

            Tag the commit with the version, push the tag, and the CI publishes the jar.
            """;
}
