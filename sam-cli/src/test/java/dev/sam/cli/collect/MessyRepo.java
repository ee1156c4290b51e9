package dev.sam.cli.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * A git repository with what real projects carry and a model should not learn: maven-release-plugin
 * commits, a dependabot PR squash-merged by a person (its body, bot sign-off and "(#77)" suffix), a
 * bot-authored commit, PR-suffixed subjects, trailers, a ticket prefix, two docs that answer "Usage"
 * differently, and headings with anchors, HTML and link syntax. Human commits say what they did.
 */
final class MessyRepo {
    /** The targets a clean collection must produce from the human commits, oldest first. */
    static final String[] CLEAN_SUBJECTS = {
        "Add the order service that totals line items",
        "Round totals half-even so cents never drift",
        "Reject negative quantities in order lines",
        "Cache the tax table per region",
        "Log the order id with every failed payment",
        "Make the discount rule configurable per customer"};

    private MessyRepo() {
    }

    static Path create(Path dir) throws IOException, GitAPIException {
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            int[] t = {0};
            write(dir, "README.md", "# shop\n\nA small order service used to test SAM's collector on realistic history.\n\n"
                    + "## <a name=\"usage\"></a>Usage\n\nCreate an `OrderService` and call `total(lines)`; it returns the"
                    + " rounded total of the order in cents, taxes included.\n\n"
                    + "## [Configuration](docs/config.md) {#config}\n\nSet `shop.region` to choose the tax table; the"
                    + " default region is `eu` and unknown regions fail at startup with a clear message.\n");
            write(dir, "docs/guide.md", "# Guide\n\n## Usage\n\nRun `java -jar shop.jar --port 8080` and post orders as JSON"
                    + " to `/orders`; the response holds the total and the applied discounts.\n");
            commit(git, t, "Dev One", "dev1@example.com", "docs: describe usage and configuration\n\nSigned-off-by: Dev"
                    + " One <dev1@example.com>");
            code(dir, 0);
            commit(git, t, "Dev One", "dev1@example.com", CLEAN_SUBJECTS[0] + " (#12)\n\nThe service sums the lines and"
                    + " applies the tax of the region.\n\nSigned-off-by: Dev One <dev1@example.com>\nChange-Id:"
                    + " I8f3e2a1b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f");
            code(dir, 1);
            commit(git, t, "Dev Two", "dev2@example.com", "ABC-41: " + CLEAN_SUBJECTS[1] + " (#15)");
            write(dir, "pom.xml", "<project><version>1.0</version></project>\n");
            commit(git, t, "Dev One", "dev1@example.com", "[maven-release-plugin] prepare release shop-1.0");
            write(dir, "pom.xml", "<project><version>1.1-SNAPSHOT</version></project>\n");
            commit(git, t, "Dev One", "dev1@example.com", "[maven-release-plugin] prepare for next development iteration");
            code(dir, 2);
            commit(git, t, "Dev Two", "dev2@example.com", CLEAN_SUBJECTS[2] + "\n\nA quantity below zero used to"
                    + " produce a credit.\n\nCo-authored-by: Dev One <dev1@example.com>\nCloses #21");
            write(dir, "pom.xml", "<project><version>1.1-SNAPSHOT</version><dependencies><dependency>jackson-databind"
                    + " 2.15.2</dependency></dependencies></project>\n");
            commit(git, t, "Dev One", "dev1@example.com", "Bump jackson-databind from 2.15.0 to 2.15.2 (#77)\n\n"
                    + "Bumps [jackson-databind](https://github.com/FasterXML/jackson) from 2.15.0 to 2.15.2.\n"
                    + "- [Commits](https://github.com/FasterXML/jackson/commits)\n\n---\nupdated-dependencies:\n"
                    + "- dependency-name: com.fasterxml.jackson.core:jackson-databind\n  dependency-type: direct:production\n"
                    + "  update-type: version-update:semver-patch\n...\n\nSigned-off-by: dependabot[bot]"
                    + " <support@github.com>");
            code(dir, 3);
            commit(git, t, "Dev Two", "dev2@example.com", CLEAN_SUBJECTS[3] + " (#80)");
            write(dir, ".github/workflows/ci.yml", "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n");
            commit(git, t, "github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com",
                    "Update the CI workflow to the latest runner image");
            code(dir, 4);
            commit(git, t, "Dev One", "dev1@example.com", "ABC-57 " + CLEAN_SUBJECTS[4] + "\n\nSupport needs the id to"
                    + " find the order.\n\nReviewed-by: Dev Two <dev2@example.com>");
            code(dir, 5);
            commit(git, t, "Dev Two", "dev2@example.com", CLEAN_SUBJECTS[5] + " (#93)\n\nSigned-off-by: Dev Two"
                    + " <dev2@example.com>");
        }
        return dir;
    }

    /** Step i of the code: a documented main class and its documented test. */
    private static void code(Path dir, int i) throws IOException {
        write(dir, "src/main/java/shop/Rule" + i + ".java", "package shop;\n\n/** Pricing rule " + i + ". */\npublic class"
                + " Rule" + i + " {\n    /**\n     * Applies rule " + i + " to an amount in cents.\n     *\n     * @param cents"
                + " the amount\n     * @return the amount after the rule\n     */\n    public long apply(long cents) {\n"
                + "        long r = cents * " + (i + 2) + " / " + (i + 3) + ";\n        return Math.max(0, r);\n    }\n}\n");
        write(dir, "src/test/java/shop/Rule" + i + "Test.java", "package shop;\n\n/** Tests of rule " + i + ". */\npublic"
                + " class Rule" + i + "Test {\n    /**\n     * Checks that rule " + i + " never returns a negative amount.\n"
                + "     */\n    public void neverNegative() {\n        long r = new Rule" + i + "().apply(-5);\n"
                + "        if (r < 0) {\n            throw new AssertionError(r);\n        }\n    }\n}\n");
    }

    private static void write(Path dir, String rel, String text) throws IOException {
        Path f = dir.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    private static void commit(Git git, int[] t, String name, String email, String message) throws GitAPIException {
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent(name, email, Instant.ofEpochSecond(1_700_000_000L + 3600L * t[0]++),
                ZoneOffset.UTC);
        git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
    }
}
