package dev.sam.train.eval.code;

import java.time.Duration;

/**
 * Limits of one code task's process: wall-clock time (a JVM's start counts) and memory (Python's address
 * space, Java's heap), and the Python interpreter to run ({@code eval.code} in config.yaml).
 */
public record CodeLimits(Duration timeout, int memoryMb, String python) {
    public static CodeLimits defaults() {
        return new CodeLimits(Duration.ofSeconds(10), 256, "python3");
    }
}
