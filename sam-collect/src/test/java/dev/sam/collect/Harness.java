package dev.sam.collect;

import dev.sam.core.TestHomes;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.model.Manifest;
import dev.sam.core.model.Sample;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.sample.SampleOrigin;
import dev.sam.core.store.Database;
import dev.sam.core.store.ManifestFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A fresh SAM home with its database, and helpers to collect into it and read what was written. */
public final class Harness implements AutoCloseable {
    public final SamHome home;
    public final Database db;
    public SamConfig config = SamConfig.defaults();

    public Harness(Path tmp) {
        home = TestHomes.fresh(tmp);
        db = Database.open(home.database());
    }

    public CollectReport collect(Source source, List<Path> repos) {
        return collect(new CollectRequest(Set.of(source), repos, null, null, null, false));
    }

    public CollectReport collect(CollectRequest req) {
        return new CollectService(home, config, db).collect(req, ProgressListener.NONE);
    }

    public SourceReport report(CollectReport r, Source s) {
        return r.sources().stream().filter(x -> x.source().equals(s.cliName())).findFirst().orElseThrow();
    }

    public Manifest manifest() {
        return new ManifestFile(home.manifest()).read();
    }

    /**
     * Every line of a source's file, parsed; fails the test on a line that is not a whole sample, or one
     * without an origin, or one whose origin differs from what its metadata alone derives (the fallback for
     * lines written before the key existed).
     */
    public List<Sample> samples(Source s) throws IOException {
        Path f = home.trainingData().resolve(s.file());
        List<Sample> out = new ArrayList<>();
        if (!Files.exists(f)) {
            return out;
        }
        String text = Files.readString(f);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError(f + " ends in a torn line");
        }
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                Sample sample = Json.mapper().readValue(line, Sample.class);
                if (sample.origin() == null || !sample.origin().equals(SampleOrigin.of(sample.withOrigin(null)))) {
                    throw new AssertionError("origin " + sample.origin() + " vs derived "
                            + SampleOrigin.of(sample.withOrigin(null)) + ": " + line);
                }
                out.add(sample);
            }
        }
        return out;
    }

    public String text(Source s) throws IOException {
        Path f = home.trainingData().resolve(s.file());
        return Files.exists(f) ? Files.readString(f) : "";
    }

    @Override
    public void close() {
        db.close();
    }
}
