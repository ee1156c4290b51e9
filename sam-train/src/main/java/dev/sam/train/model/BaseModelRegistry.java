package dev.sam.train.model;

import dev.sam.core.SamException;
import dev.sam.core.home.BaseModelLocation;
import dev.sam.core.home.SamHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The base models under {@code SAM_HOME/models/base/<name>}: each a model directory, or a symlink to one
 * (registered with {@code sam model add}). Names are unique; registering an existing name is refused.
 *
 * <pre>Path p = new BaseModelRegistry(home).resolve("tiny");</pre>
 */
public final class BaseModelRegistry {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final SamHome home;

    public BaseModelRegistry(SamHome home) {
        this.home = home;
    }

    /** A usage error unless {@code name} is a safe directory name. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw SamException.usage("invalid model name '" + name + "'",
                    "use letters, digits, '.', '_' and '-' (starting with a letter or digit), e.g. qwen-coder-1.5b-4bit");
        }
        return name;
    }

    public boolean exists(String name) {
        return Files.exists(home.baseModel(name), LinkOption.NOFOLLOW_LINKS);
    }

    /** Refuses a name that is taken, saying where the existing model is. */
    public void requireFree(String name) {
        checkName(name);
        if (exists(name)) {
            Path p = home.baseModel(name);
            String where = Files.isSymbolicLink(p) ? " (-> " + readLink(p) + ")" : "";
            throw SamException.failure("a base model named '" + name + "' is already registered at " + p + where,
                    "choose another --name, or remove " + p + " first");
        }
    }

    /** Registers {@code dir} as {@code name}: a symlink to it, or (copy) a copy of its files. */
    public Path register(Path dir, String name, boolean copy) throws IOException {
        requireFree(name);
        Path target = home.baseModel(name);
        Files.createDirectories(target.getParent());
        Path src = dir.toAbsolutePath().normalize();
        if (!copy) {
            Files.createSymbolicLink(target, src);
            return target;
        }
        try (StagedDirectory staged = StagedDirectory.create(target);
             Stream<Path> files = Files.walk(src)) {
            for (Path p : files.toList()) {
                Path rel = src.relativize(p);
                if (rel.toString().isEmpty()) {
                    continue;
                }
                Path to = staged.dir().resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
            staged.commit();
        }
        return target;
    }

    /** A registered name, or else an existing directory path; a SamException naming both tries otherwise. */
    public Path resolve(String nameOrPath) {
        if (NAME.matcher(nameOrPath).matches() && exists(nameOrPath)) {
            return home.baseModel(nameOrPath);
        }
        Path p = Path.of(nameOrPath);
        if (Files.isDirectory(p)) {
            return p;
        }
        throw SamException.failure("no base model '" + nameOrPath + "': not a registered name and not a directory",
                "see `sam models` for the registered names, or give the path of a model directory");
    }

    /** The places a model name may be, in order (core's {@link BaseModelLocation}, shared with sam status). */
    public List<Path> candidates(String name) {
        return BaseModelLocation.candidates(home, name);
    }

    /** The first of {@link #candidates} holding a config.json, if any. */
    public java.util.Optional<Path> locate(String name) {
        return BaseModelLocation.locate(home, name);
    }

    /** {@link #locate}, or a SamException naming every place that was tried and what to do. */
    public Path require(String name) {
        return locate(name).orElseThrow(() -> SamException.failure("base model '" + name + "' not found (looked for "
                + "config.json in " + String.join(", ", candidates(name).stream().map(Path::toString).toList()) + ")",
                "register it with `sam model add DIR --name " + lastSegment(name) + "` (or create a test model with "
                        + "`sam model init-tiny`), or choose another with --base NAME; `sam models` lists them"));
    }

    private static String lastSegment(String name) {
        String n = name.contains("/") ? name.substring(name.lastIndexOf('/') + 1) : name;
        return NAME.matcher(n).matches() ? n : "NAME";
    }

    /** The registered model directories holding a config.json, by name. */
    public List<Path> registered() {
        try (Stream<Path> s = Files.list(home.baseModelsDir())) {
            return s.filter(d -> Files.isRegularFile(d.resolve("config.json"))).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Every registered model, by name, checked from the headers (tokenizers are not loaded). */
    public List<BaseModelInfo> list() {
        List<BaseModelInfo> out = new ArrayList<>();
        Path base = home.baseModelsDir();
        if (!Files.isDirectory(base)) {
            return out;
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(base)) {
            entries = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw SamException.failure("cannot list " + base + ": " + e.getMessage(), "check its permissions");
        }
        for (Path p : entries) {
            String link = Files.isSymbolicLink(p) ? readLink(p) : null;
            ModelCheck c = ModelDirectory.inspect(p, false);
            out.add(new BaseModelInfo(p.getFileName().toString(), p.toString(), link, c.shape(), c.dtype(),
                    c.quantization(), c.params(), c.sizeBytes(), c.problems()));
        }
        return out;
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            return "?";
        }
    }
}
