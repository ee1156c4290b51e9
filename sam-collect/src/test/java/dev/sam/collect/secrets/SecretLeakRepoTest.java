package dev.sam.collect.secrets;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.collect.CollectReport;
import dev.sam.collect.CollectRequest;
import dev.sam.collect.Harness;
import dev.sam.collect.Source;
import dev.sam.collect.SourceReport;
import dev.sam.collect.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile leak test: a real git repository with every {@link LeakKinds kind} of secret in every
 * position — a {@code .env} line in a diff, code (diff and code sample), a markdown section (diff and doc
 * sample), a commit message (the training target), and the bare value repeated without its keyword in the
 * same sample (message of the commit whose diff names it, a doc sentence) and in a later commit of the
 * run (a diff line). After {@code collect} of commits, code and docs, no piece of any secret may be in
 * any file under training_data/.
 */
class SecretLeakRepoTest {
    @TempDir
    Path tmp;

    @Test
    void noPlantedSecretReachesTrainingData() throws Exception {
        List<LeakKinds.Kind> kinds = new LeakKinds(2026).all();
        Path dir = tmp.resolve("stack");
        try (TestRepo repo = TestRepo.init(dir)) {
            repo.write("README.md", "# Stack\n\nThe staging stack of the shop and its service clients.\n");
            repo.commit("Start the staging stack\n\nA readme that says what this repository holds.");
            for (LeakKinds.Kind k : kinds) {
                plant(repo, k);
            }
        }
        try (Harness h = new Harness(tmp)) {
            CollectReport r = h.collect(new CollectRequest(Set.of(Source.COMMITS, Source.CODE, Source.DOCS),
                    List.of(dir), null, null, null, false));
            Map<String, List<String>> leaks = new TreeMap<>();
            String data = trainingData(h.home.trainingData());
            for (LeakKinds.Kind k : kinds) {
                for (String piece : k.pieces()) {
                    if (data.contains(piece)) {
                        leaks.computeIfAbsent(k.name(), x -> new ArrayList<>()).add(piece);
                    }
                }
            }
            assertTrue(leaks.isEmpty(), leaks.size() + " of " + kinds.size() + " kinds leaked into training_data: "
                    + leaks.keySet() + "\n" + leaks + "\n" + r.sources());
            // the carriers were collected, so the test saw the texts (a source that rejected everything proves nothing)
            SourceReport commits = h.report(r, Source.COMMITS);
            assertTrue(commits.added() >= kinds.size() * 3, "commit samples: " + commits);
            assertTrue(h.report(r, Source.DOCS).added() >= kinds.size() / 2, "doc samples: " + h.report(r, Source.DOCS));
            assertTrue(h.report(r, Source.CODE).added() >= kinds.size() / 2, "code samples: " + h.report(r, Source.CODE));
        }
    }

    private static void plant(TestRepo repo, LeakKinds.Kind k) throws Exception {
        String cls = className(k.name());
        repo.write("deploy/" + k.name() + ".env", "# settings of " + k.name() + "\nLOG_LEVEL=info\n" + k.env() + "\n");
        repo.commit("Add the " + k.name() + " settings for staging\n\nThe staging value is " + k.bare()
                + " and replaces the old one.");
        repo.write("src/main/java/acme/" + cls + "Client.java", javaClass(k, cls, ""));
        repo.commit("Add a client for the " + k.name() + " service\n\nIt opens one connection per request and keeps "
                + "the staging credentials in one place.");
        repo.write("docs/" + k.name() + ".md", "# Setting up " + k.name() + "\n\nThe " + k.name() + " service backs the"
                + " staging stack and needs one credential, kept out of the code where possible.\n\n" + k.doc()
                + "\n\nIf the value " + k.bare() + " stops working, ask the platform team for a new one.\n");
        repo.commit("Document the " + k.name() + " setup\n\nExplains where the credential lives and whom to ask.");
        repo.write("src/main/java/acme/" + cls + "Client.java", javaClass(k, cls, "        // rotated from " + k.bare() + "\n"));
        repo.commit(k.message() + "\n\nThe old value stops working on Friday, so the client has to move now.");
    }

    private static String javaClass(LeakKinds.Kind k, String cls, String extra) {
        return "package acme;\n\n/** Talks to the " + k.name() + " service of the staging stack. */\npublic final class "
                + cls + "Client {\n    /**\n     * Opens a connection to the " + k.name()
                + " service with the staging credentials.\n     *\n     * @return the client handle\n     */\n"
                + "    public Object open() {\n" + extra + "        " + k.code() + (k.code().endsWith(";") ? "" : ";")
                + "\n        return this;\n    }\n}\n";
    }

    private static String className(String kind) {
        StringBuilder sb = new StringBuilder();
        for (String part : kind.split("_")) {
            sb.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
        }
        return sb.toString();
    }

    /** Every file under training_data/ (samples, pairs, rejects, manifests), as one text. */
    private static String trainingData(Path root) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                sb.append(Files.readString(f)).append('\n');
            }
        }
        return sb.toString();
    }
}
