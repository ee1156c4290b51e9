package dev.sam.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The getrusage path that measures peak RSS on macOS (no /proc there), checked on Linux where the same
 * struct layout holds and ru_maxrss is in KiB: it must agree with VmHWM of /proc/self/status.
 */
class MachineInfoRssTest {
    @Test
    void getrusageMaxRssAgreesWithVmHwm() {
        long hwm = MachineInfo.peakRssBytes();
        long kib = MachineInfo.maxRssOfGetrusage();
        assertTrue(hwm > 10_000_000, "VmHWM " + hwm);
        assertTrue(kib > 0 && Math.abs(kib * 1024 - hwm) <= hwm / 10, "ru_maxrss " + kib + " KiB vs VmHWM " + hwm);
    }
}
