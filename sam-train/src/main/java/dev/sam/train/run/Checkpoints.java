package dev.sam.train.run;

import dev.sam.core.SamException;
import dev.sam.core.io.Faults;
import dev.sam.train.nativelib.NativeTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Training checkpoints of a run in {@code runs/<id>/checkpoints/checkpoint-%07d.safetensors}: adapters,
 * AdamW moments, step and RNG state (the native format, written atomically by libsamtrain). The last
 * {@value #KEEP} are kept, so a crash while a new one is written still leaves a complete one.
 *
 * <pre>Checkpoints c = new Checkpoints(runDir.resolve("checkpoints")); c.save(trainer); c.latest();</pre>
 */
public final class Checkpoints {
    public static final int KEEP = 2;
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{7,})\\.safetensors");

    private final Path dir;

    public Checkpoints(Path dir) {
        this.dir = dir;
    }

    /** One checkpoint file and the optimizer step it holds. */
    public record Checkpoint(long step, Path file) {
    }

    /** Saves the trainer's state after its last applied step; removes all but the newest {@value #KEEP}. */
    public Checkpoint save(NativeTrainer trainer) {
        long step = trainer.step();
        Path file = dir.resolve(String.format("checkpoint-%07d.safetensors", step));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw SamException.io("create the checkpoint directory", dir, e);
        }
        Faults.point("train.before-checkpoint");
        trainer.saveCheckpoint(file);
        Faults.point("train.after-checkpoint");
        List<Checkpoint> all = list();
        for (int i = 0; i < all.size() - KEEP; i++) {
            try {
                Files.deleteIfExists(all.get(i).file());
            } catch (IOException e) {
                throw SamException.io("remove the old checkpoint", all.get(i).file(), e);
            }
        }
        return new Checkpoint(step, file);
    }

    /** The newest checkpoint, if any. */
    public Optional<Checkpoint> latest() {
        List<Checkpoint> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** All checkpoints, oldest first. */
    public List<Checkpoint> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                return m.matches() ? new Checkpoint(Long.parseLong(m.group(1)), p) : null;
            }).filter(java.util.Objects::nonNull).sorted(Comparator.comparingLong(Checkpoint::step)).toList();
        } catch (IOException e) {
            throw SamException.io("list the checkpoints in", dir, e);
        }
    }

    public Path dir() {
        return dir;
    }
}
