package dev.sam.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cycle finder sees imports, wildcards and qualified names, and ignores comments and strings. */
class PackageCyclesTest {
    @TempDir
    Path tmp;

    private void write(String pkg, String name, String body) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(pkg.replace('.', '/')));
        Files.writeString(dir.resolve(name + ".java"), "package " + pkg + ";\n" + body);
    }

    @Test
    void findsTheCycleOfRunEvalInferAndNothingElse() throws Exception {
        write("dev.sam.x.run", "Runner", "import dev.sam.x.eval.Evaluator;\nclass Runner {}\n");
        write("dev.sam.x.eval", "Evaluator", "import dev.sam.x.infer.*;\nclass Evaluator {}\n");
        write("dev.sam.x.infer", "Engine", "class Engine { Object p = new dev.sam.x.run.Plan(); }\n");
        write("dev.sam.x.run", "Plan", "class Plan {}\n");
        write("dev.sam.x.data", "Data", "/** see {@link dev.sam.x.run.Plan} */ class Data { String s = \"dev.sam.x.eval.E\"; }\n");
        assertEquals(List.of("dev.sam.x.eval -> dev.sam.x.infer (Evaluator.java), dev.sam.x.infer -> dev.sam.x.run "
                + "(Engine.java), dev.sam.x.run -> dev.sam.x.eval (Runner.java)"), PackageCycles.of(tmp));
        write("dev.sam.x.infer", "Engine", "class Engine { Object p = new dev.sam.x.data.Data(); }\n");
        assertEquals(List.of(), PackageCycles.of(tmp));
    }
}
