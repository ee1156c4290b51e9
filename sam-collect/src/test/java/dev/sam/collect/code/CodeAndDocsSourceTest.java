package dev.sam.collect.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.collect.CollectReport;
import dev.sam.collect.CollectRequest;
import dev.sam.collect.Harness;
import dev.sam.collect.Reasons;
import dev.sam.collect.Source;
import dev.sam.collect.SourceReport;
import dev.sam.collect.TestRepo;
import dev.sam.core.model.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code and docs sources on a real repository and a doc directory. */
class CodeAndDocsSourceTest {
    @TempDir
    Path tmp;

    private TestRepo repo;

    @BeforeEach
    void repository() throws Exception {
        repo = TestRepo.init(tmp.resolve("shop"));
        repo.write("src/Money.java", """
                /** An amount in one currency. */
                public record Money(long cents, String currency) {
                    /**
                     * Adds two amounts of the same currency.
                     *
                     * @param other the amount to add
                     * @return the sum
                     */
                    public Money plus(Money other) {
                        if (!currency.equals(other.currency)) {
                            throw new IllegalArgumentException("currencies differ");
                        }
                        return new Money(cents + other.cents, currency);
                    }
                }
                """);
        repo.write("tools/report.py", """
                def monthly_total(orders):
                    \"\"\"Sum the order totals of one month.

                    Args:
                        orders: the orders, all of the same month.
                    \"\"\"
                    return sum(o.total for o in orders)
                """);
        repo.write("legacy/old.c", new byte[] {'/', '*', '*', ' ', 'C', 'a', 'f', (byte) 0xE9, ' ', '*', '/', '\n',
                'i', 'n', 't', ' ', 'f', '(', ')', ' ', '{', ' ', 'r', 'e', 't', 'u', 'r', 'n', ' ', '1', ';', ' ', '}', '\n'});
        repo.write("README.md", """
                # Shop

                A small web shop for handmade goods, built to show how orders and payments fit together.

                ## Installation

                Run `mvn package` and start the jar with `java -jar shop.jar`; it listens on port 8080 by default.

                ## Why records for money?

                Records make amounts immutable, so an order total can never change after it was computed by the
                checkout service.
                """);
        repo.write("docs/payments.md", "# Payments\n\nPayments go through the provider adapter, which retries twice "
                + "and then marks the order as failed so that support can follow up.\n");
        repo.write("node_modules/lib/README.md", "# Lib\n\nVendored library documentation that is not ours to learn.\n");
        repo.commit("Add money, monthly report and documentation");
    }

    @Test
    void codeSamplesComeFromDocumentedFunctionsAndTheIndexSkipsUnchangedFiles() throws Exception {
        try (Harness h = new Harness(tmp)) {
            CollectReport r = h.collect(Source.CODE, List.of(repo.dir()));
            SourceReport c = h.report(r, Source.CODE);
            assertEquals(3, c.scanned(), "java, python, c");
            assertEquals(1L, c.rejects().get(Reasons.INVALID_UTF8), c.toString());
            assertTrue(c.notes().get(0).contains("legacy/old.c"), c.notes().toString());
            List<Sample> samples = h.samples(Source.CODE);
            Set<String> names = samples.stream().map(s -> s.meta().get("name") + "/" + s.meta().get("task"))
                    .collect(Collectors.toSet());
            assertTrue(names.containsAll(Set.of("plus/implement", "plus/document", "monthly_total/implement",
                    "monthly_total/document")), names.toString());
            Sample doc = samples.stream().filter(s -> "monthly_total".equals(s.meta().get("name"))
                    && "document".equals(s.meta().get("task"))).findFirst().orElseThrow();
            assertEquals("Write the docstring for this Python function.", doc.instruction());
            assertTrue(doc.output().startsWith("\"\"\"Sum the order totals"), doc.output());
            assertEquals("python", doc.meta().get("language"));

            assertEquals(3, count(h, "SELECT COUNT(*) FROM collect_code_files"));
            assertTrue(count(h, "SELECT COUNT(*) FROM collect_code_symbols WHERE name = 'plus' AND doc LIKE 'Adds two%'") == 1);

            assertEquals(0, h.collect(Source.CODE, List.of(repo.dir())).added(), "same HEAD: nothing to do");
            repo.write("tools/report.py", Files.readString(repo.dir().resolve("tools/report.py"))
                    + "\n\ndef yearly_total(months):\n    \"\"\"Sum twelve monthly totals into the total of the year.\"\"\"\n"
                    + "    return sum(months)\n").commit("Add the yearly total to the report tool");
            CollectReport again = h.collect(Source.CODE, List.of(repo.dir()));
            assertEquals(2, again.added(), "only the new function; the rest of the changed file dedups");
            assertEquals(Long.valueOf(2), h.report(again, Source.CODE).rejects().get(Reasons.DUPLICATE));
        }
    }

    @Test
    void docsBecomeQuestionsAboutTheProject() throws Exception {
        try (Harness h = new Harness(tmp)) {
            h.collect(Source.DOCS, List.of(repo.dir()));
            List<Sample> samples = h.samples(Source.DOCS);
            List<String> questions = samples.stream().map(Sample::instruction).toList();
            // best-scored first; a common heading gets one of its template's phrasings, by template and project
            assertEquals(List.of("How do I get started with shop?",
                    "Why records for money? (in the shop project)",
                    "What is the shop project, and what is it for?",
                    "What does the documentation of the shop project say about \"Payments\"?"), questions);
            assertTrue(samples.get(0).output().startsWith("Run `mvn package`"), samples.get(0).output());
            assertEquals("docs/install/1", samples.get(0).meta().get("template"));
            assertEquals("README.md", samples.get(2).meta().get("file"));
            assertEquals(0, h.collect(Source.DOCS, List.of(repo.dir())).added());
        }
    }

    @Test
    void docRootsReportUnreadableAndInvalidFilesAndKeepGoing() throws Exception {
        Path notes = Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(notes.resolve("deploy.md"), "# Deploying\n\n## Rollback\n\nRun `sam rollback` to go back to the "
                + "previous version; it checks the checksum first.\n");
        Files.write(notes.resolve("latin1.md"), new byte[] {'#', ' ', 'C', 'a', 'f', (byte) 0xE9, '\n'});
        Path mem = Path.of("/proc/self/mem");
        Assumptions.assumeTrue(Files.exists(mem), "needs Linux /proc for a file that even root cannot read");
        Files.createSymbolicLink(notes.resolve("broken.md"), mem);
        try (Harness h = new Harness(tmp)) {
            CollectReport r = h.collect(new CollectRequest(Set.of(Source.DOCS), List.of(), List.of(notes), null, null,
                    false));
            SourceReport d = h.report(r, Source.DOCS);
            assertEquals(1L, d.rejects().get(Reasons.UNREADABLE), d.toString());
            assertEquals(1L, d.rejects().get(Reasons.INVALID_UTF8), d.toString());
            String note = String.join("\n", d.notes());
            assertTrue(note.contains("broken.md is unreadable") && note.contains("latin1.md is not valid UTF-8"), note);
            assertEquals(List.of("Explain \"Rollback\" in the notes project."),
                    h.samples(Source.DOCS).stream().map(Sample::instruction).toList());
        }
    }

    private static long count(Harness h, String sql) throws Exception {
        try (var st = h.db.connection().createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
