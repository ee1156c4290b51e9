package dev.sam.train.nativelib;

import java.util.List;

/** Sampling settings: temperature <= 0 is greedy; topP 1 disables nucleus filtering. */
public record GenSettings(int maxNewTokens, int maxContext, float temperature, float topP, long seed,
                          List<Integer> stopIds) {
    public GenSettings {
        stopIds = List.copyOf(stopIds);
    }

    public static GenSettings greedy(int maxNewTokens, int maxContext, List<Integer> stopIds) {
        return new GenSettings(maxNewTokens, maxContext, 0f, 1f, 0, stopIds);
    }
}
