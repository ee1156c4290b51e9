package dev.sam.deploy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of the deploy tests that each need a fresh {@link DeployFixture} (a SAM home with a store) per test. */
abstract class WithDeployFixture {
    @TempDir
    Path tmp;
    DeployFixture f;

    @BeforeEach
    void setUpFixture() throws Exception {
        f = new DeployFixture(tmp);
    }

    @AfterEach
    void closeFixture() {
        f.close();
    }
}
