package dev.sam.train.model;

import dev.sam.core.SamException;
import dev.sam.train.safetensors.SafetensorsFile;
import dev.sam.train.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The safetensors weights of a model directory: {@code model.safetensors}, or the shards
 * {@code model-00001-of-0000N.safetensors} of a larger model, opened together (headers validated,
 * data read on demand).
 *
 * <pre>try (ModelWeights w = ModelWeights.open(dir)) { RowSource rows = w.rows("model.norm.weight"); }</pre>
 */
public final class ModelWeights implements AutoCloseable {
    private static final Pattern SHARD = Pattern.compile("model-\\d+-of-\\d+\\.safetensors");

    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
    private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    private final List<String> duplicates = new ArrayList<>();

    private ModelWeights(List<SafetensorsFile> files) {
        this.files = files;
        for (SafetensorsFile f : files) {
            for (TensorInfo t : f.tensors()) {
                if (tensors.putIfAbsent(t.name(), t) != null) {
                    duplicates.add(t.name() + " (in " + owner.get(t.name()).path().getFileName() + " and "
                            + f.path().getFileName() + ")");
                } else {
                    owner.put(t.name(), f);
                }
            }
        }
    }

    /** The weight files of {@code dir} (empty when there are none). */
    public static List<Path> files(Path dir) {
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> SHARD.matcher(p.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Opens every weight file; a missing or malformed file is a SamException naming it. */
    public static ModelWeights open(Path dir) {
        List<Path> paths = files(dir);
        if (paths.isEmpty()) {
            throw SamException.failure("no weights in " + dir + ": neither model.safetensors nor"
                    + " model-0000x-of-0000y.safetensors shards", hintForMissingWeights(dir));
        }
        List<SafetensorsFile> open = new ArrayList<>();
        try {
            for (Path p : paths) {
                open.add(SafetensorsFile.open(p));
            }
        } catch (RuntimeException e) {
            open.forEach(SafetensorsFile::close);
            throw e;
        }
        return new ModelWeights(open);
    }

    static String hintForMissingWeights(Path dir) {
        boolean bin = Files.exists(dir.resolve("pytorch_model.bin")) || Files.exists(dir.resolve("model.pt"));
        return bin ? "SAM reads safetensors only: convert the PyTorch .bin weights to model.safetensors first"
                : "point at a HuggingFace or MLX model directory with .safetensors weights";
    }

    public List<Path> paths() {
        return files.stream().map(SafetensorsFile::path).toList();
    }

    /** All tensors by name (the first file wins for a duplicated name, see {@link #duplicates()}). */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** Names stored in more than one shard. */
    public List<String> duplicates() {
        return duplicates;
    }

    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** Reads a float tensor's rows (converted to float). */
    public RowSource rows(String name) {
        TensorInfo t = tensors.get(name);
        SafetensorsFile f = owner.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return (first, rows, dst) -> f.readRows(t, first, rows, dst);
    }

    /** Bytes of all weight files. */
    public long bytes() {
        return files.stream().mapToLong(f -> f.header().fileSize()).sum();
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
