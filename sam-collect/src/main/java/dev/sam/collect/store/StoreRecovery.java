package dev.sam.collect.store;

import dev.sam.collect.Source;
import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.model.Manifest;
import dev.sam.core.model.Manifest.DataFile;
import dev.sam.core.store.Database;
import dev.sam.core.store.ManifestFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brings the store to a consistent state before a collection: rolls back a batch that never reached
 * the manifest (journal), rebuilds an unreadable manifest, adopts JSONL files the manifest does not know
 * (written by the original Python pipeline or by hand) and lines appended outside SAM, forgets files that
 * were deleted, and hands the result to {@link IndexCatchUp}. Every repair is reported as a warning.
 */
final class StoreRecovery {
    private final SamHome home;
    private final Database db;
    private final ManifestFile manifestFile;
    private final Journal journal;
    private final List<String> warnings = new ArrayList<>();

    StoreRecovery(SamHome home, Database db) {
        this.home = home;
        this.db = db;
        this.manifestFile = new ManifestFile(home.manifest());
        this.journal = new Journal(home.collectJournal());
    }

    List<String> warnings() {
        return warnings;
    }

    Manifest recover() throws IOException {
        removeStaleTempFiles();
        Manifest read = readManifest();
        boolean changed = read == null;
        Manifest m = read == null ? Manifest.empty() : read;
        rollBackUncommitted(m);
        Map<String, DataFile> files = new TreeMap<>(m.files());
        for (String rel : dataFiles()) {
            changed |= reconcile(rel, files);
        }
        for (String rel : List.copyOf(files.keySet())) {
            if (!Files.exists(home.trainingData().resolve(rel))) {
                files.remove(rel);
                warnings.add("training_data/" + rel + " was deleted; its samples are no longer counted");
                changed = true;
            }
        }
        if (changed) {
            m = Manifests.recount(m, files, Times.now());
            manifestFile.write(m);
        }
        new IndexCatchUp(home, db).run(m);
        return m;
    }

    /** Temp files of atomic writes a kill interrupted (the caller holds the collect lock: none is live). */
    private void removeStaleTempFiles() throws IOException {
        if (!Files.isDirectory(home.trainingData())) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(home.trainingData(),
                "{.manifest.json.,.collect-journal.json.}*.tmp")) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Manifest readManifest() throws IOException {
        Path f = home.manifest();
        try {
            return manifestFile.read();
        } catch (SamException e) {
            if (!Files.isReadable(f)) {
                throw e;
            }
            Path aside = f.resolveSibling("manifest.json.unreadable-" + Times.runId(java.time.Clock.systemDefaultZone()));
            AtomicFiles.moveAtomically(f, aside);
            warnings.add(e.getMessage().replace("; it was left unchanged", "") + "; moved it to " + aside.getFileName()
                    + " and rebuilt the manifest from the JSONL files");
            return null;
        }
    }

    /** A journal whose batch the manifest does not record: cut the files back to their old lengths. */
    private void rollBackUncommitted(Manifest m) throws IOException {
        Map<String, Journal.Span> spans = journal.read();
        if (spans == null) {
            spans = new TreeMap<>();
            for (Map.Entry<String, DataFile> e : m.files().entrySet()) {
                spans.put(e.getKey(), new Journal.Span(e.getValue().bytes(), -1));
            }
            warnings.add("the collect journal " + journal.path() + " was unreadable; cut every file back to the "
                    + "length in the manifest");
        }
        if (spans.isEmpty()) {
            return;
        }
        boolean committed = spans.entrySet().stream().allMatch(e -> m.files().containsKey(e.getKey())
                && m.files().get(e.getKey()).bytes() == e.getValue().after());
        if (!committed) {
            long cut = truncate(home.trainingData(), spans);
            if (cut > 0) {
                warnings.add("rolled back an interrupted collection: removed " + cut + " uncommitted bytes from "
                        + String.join(", ", spans.keySet()));
            }
        }
        journal.delete();
    }

    /** Cuts each file to its {@code before} length; returns the bytes removed. */
    static long truncate(Path trainingData, Map<String, Journal.Span> spans) throws IOException {
        long cut = 0;
        for (Map.Entry<String, Journal.Span> e : spans.entrySet()) {
            Path f = trainingData.resolve(e.getKey());
            if (!Files.exists(f)) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                long size = ch.size();
                if (size > e.getValue().before()) {
                    ch.truncate(e.getValue().before());
                    ch.force(true);
                    cut += size - e.getValue().before();
                }
            }
        }
        return cut;
    }

    /** Relative paths of every *.jsonl directly under a source directory or dpo/. */
    private List<String> dataFiles() throws IOException {
        List<String> dirs = new ArrayList<>();
        for (Source s : Source.values()) {
            dirs.add(s.dir());
        }
        dirs.add(Records.DPO_DIR);
        List<String> out = new ArrayList<>();
        for (String d : dirs) {
            Path dir = home.trainingData().resolve(d);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jsonl")) {
                for (Path p : ds) {
                    if (Files.isRegularFile(p)) {
                        out.add(d + "/" + p.getFileName());
                    }
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Updates files[rel] to what is on disk; true when it changed. */
    private boolean reconcile(String rel, Map<String, DataFile> files) throws IOException {
        Path f = home.trainingData().resolve(rel);
        DataFile known = files.get(rel);
        if (isTarget(rel)) {
            FileAdopter.fixTail(f, rel, warnings);
        }
        long size = Files.size(f);
        if (known != null && known.bytes() == size) {
            return false;
        }
        if (known == null) {
            files.put(rel, FileAdopter.count(f, rel, 0, new DataFile(0, 0), warnings));
            if (files.get(rel).records() > 0) {
                warnings.add("adopted training_data/" + rel + " (" + files.get(rel).records()
                        + " records not written by this SAM home)");
            }
        } else if (size > known.bytes()) {
            DataFile grown = FileAdopter.count(f, rel, known.bytes(), known, warnings);
            warnings.add("training_data/" + rel + " grew outside SAM: adopted " + (grown.records() - known.records())
                    + " appended records");
            files.put(rel, grown);
        } else {
            files.put(rel, FileAdopter.count(f, rel, 0, new DataFile(0, 0), warnings));
            warnings.add("training_data/" + rel + " shrank outside SAM (" + known.bytes() + " -> " + size
                    + " bytes): recounted it and rebuilt its dedup index");
        }
        return true;
    }

    /** Files SAM appends to: those must end with a newline before the next append. */
    private static boolean isTarget(String rel) {
        for (Source s : Source.values()) {
            if (s.file().equals(rel)) {
                return true;
            }
        }
        return rel.equals(Records.PAIRS_FILE);
    }
}
