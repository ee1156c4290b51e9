package dev.sam.cycle.schedule;

/** One way of running {@code sam cycle} on a schedule: a crontab block, a systemd user timer, a launchd agent. */
interface Scheduler {

    String name();

    /** Writes (or replaces) this home's entry; returns where it is. */
    String install(ScheduleSpec spec);

    /** Removes this home's entry; false when there was none. Entries SAM did not write are never touched. */
    boolean remove();

    /** This home's installed schedule, or null when none is installed. */
    ScheduleSpec installed();
}
