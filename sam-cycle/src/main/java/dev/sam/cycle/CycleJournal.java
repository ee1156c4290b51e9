package dev.sam.cycle;

import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.home.SamHome;
import dev.sam.core.store.Database;
import dev.sam.core.store.EventRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every step of a cycle is written: one line in {@code SAM_HOME/logs/cycle.log} (for the user reading
 * what happened overnight), one {@code cycle} event in sam.db (for {@code sam stats} and scripts), and the
 * list of steps of the result. A dry run records nothing.
 *
 * <pre>journal.step("collect", "15 new samples", Map.of("added", 15));</pre>
 */
final class CycleJournal {
    static final String EVENT = "cycle";

    private final SamHome home;
    private final Database db;
    private final Clock clock;
    private final String cycleId;
    private final boolean dryRun;
    private final List<CycleResult.Step> steps = new ArrayList<>();

    CycleJournal(SamHome home, Database db, Clock clock, String cycleId, boolean dryRun) {
        this.home = home;
        this.db = db;
        this.clock = clock;
        this.cycleId = cycleId;
        this.dryRun = dryRun;
    }

    boolean dryRun() {
        return dryRun;
    }

    String cycleId() {
        return cycleId;
    }

    List<CycleResult.Step> steps() {
        return List.copyOf(steps);
    }

    /** Records one step; {@code data} may be empty. */
    void step(String step, String message, Map<String, ?> data) {
        steps.add(new CycleResult.Step(step, message));
        if (dryRun) {
            return;
        }
        String line = Times.now(clock) + "  cycle " + cycleId + "  " + step + ": " + message + System.lineSeparator();
        try {
            Files.createDirectories(home.cycleLog().getParent());
            Files.writeString(home.cycleLog(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw SamException.failure("cannot write " + home.cycleLog() + ": " + e.getMessage(),
                    "check that SAM_HOME is writable and the disk is not full");
        }
        Map<String, Object> d = new LinkedHashMap<>(data);
        d.put("cycle_id", cycleId);
        d.put("step", step);
        new EventRepository(db).record(EVENT, (String) d.get("version"), (String) d.get("run_id"), step + ": " + message,
                d);
    }
}
