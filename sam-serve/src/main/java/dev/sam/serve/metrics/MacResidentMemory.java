package dev.sam.serve.metrics;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.function.Supplier;

/**
 * macOS: this process' resident size from libproc, {@code proc_pid_rusage(getpid(), RUSAGE_INFO_V0, &info)}
 * (sys/resource.h: {@code struct rusage_info_v0} = 16-byte uuid, then uint64 user_time, system_time,
 * pkg_idle_wkups, interrupt_wkups, pageins, wired_size, resident_size, ... — resident_size at byte 64),
 * the counterpart of Linux' VmRSS. Null when the call fails. Not run on a Mac here (no Mac in CI yet):
 * the offsets follow the header.
 */
final class MacResidentMemory implements Supplier<Long> {
    static final int RUSAGE_INFO_V0 = 0;
    static final int STRUCT_BYTES = 96;
    static final int RESIDENT_SIZE_OFFSET = 16 + 6 * 8;

    /** libSystem (JNA's "c" on macOS), where libproc's functions live. */
    interface LibProc extends Library {
        int getpid();

        int proc_pid_rusage(int pid, int flavor, Pointer buffer);
    }

    private volatile LibProc lib;

    @Override
    public Long get() {
        try {
            LibProc l = lib;
            if (l == null) {
                l = Native.load("c", LibProc.class);
                lib = l;
            }
            Memory info = new Memory(STRUCT_BYTES);
            if (l.proc_pid_rusage(l.getpid(), RUSAGE_INFO_V0, info) != 0) {
                return null;
            }
            long rss = info.getLong(RESIDENT_SIZE_OFFSET);
            return rss > 0 ? rss : null;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null;
        }
    }
}
