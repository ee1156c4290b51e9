package dev.sam.deploy;

import dev.sam.core.SamException;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.Checksums;
import dev.sam.deploy.store.VersionChecksums;
import dev.sam.deploy.store.VersionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a stored version's files are exactly what was deployed: every file's SHA-256 against
 * checksums.json, and the directory checksum against the one recorded in versions.json.
 *
 * <pre>new VersionIntegrity(store).require(version, "roll back to");</pre>
 */
public final class VersionIntegrity {
    private final VersionStore store;

    public VersionIntegrity(VersionStore store) {
        this.store = store;
    }

    /** Every way the version's directory differs from its record; empty when intact. */
    public List<String> problems(ModelVersion v) {
        List<String> out = new ArrayList<>();
        Path dir = store.dir(v.version());
        Path adapters = store.adapters(v.version());
        if (!Files.isDirectory(adapters)) {
            out.add(adapters + " is missing");
            return out;
        }
        VersionChecksums recorded;
        try {
            recorded = VersionChecksums.read(dir);
        } catch (IOException e) {
            try {
                String now = Checksums.of(adapters).checksum();
                if (v.checksum() == null || !now.equals(v.checksum())) {
                    out.add(e.getMessage() + ", and the adapters' checksum " + now + " does not match the recorded "
                            + v.checksum());
                }
            } catch (IOException e2) {
                out.add("cannot read " + adapters + ": " + e2.getMessage());
            }
            return out;
        }
        try {
            Checksums.differences(adapters, recorded.files()).forEach(d -> out.add("adapters/" + d));
        } catch (IOException e) {
            out.add("cannot read " + adapters + ": " + e.getMessage());
            return out;
        }
        if (!Checksums.combine(recorded.files()).equals(recorded.checksum())) {
            out.add(VersionChecksums.FILE + " is inconsistent (its file hashes do not give its checksum)");
        }
        if (v.checksum() != null && !v.checksum().equals(recorded.checksum())) {
            out.add("checksum " + recorded.checksum() + " in " + VersionChecksums.FILE
                    + " differs from the one recorded in versions.json (" + v.checksum() + ")");
        }
        return out;
    }

    /** Throws a refusal naming every difference when the version is not intact. */
    public void require(ModelVersion v, String doing) {
        List<String> p = problems(v);
        if (!p.isEmpty()) {
            throw SamException.failure("refusing to " + doing + " " + v.version() + ": its files changed since it was "
                    + "deployed:\n  - " + String.join("\n  - ", p), "restore the files, or pick another version "
                    + "(`sam list`); `sam verify` checks every version");
        }
    }
}
