package dev.earlybird.history;

import java.time.Duration;

/** Self-metrics of the store. {@code lastWriteLatency} is the duration of the last recordPoll, ZERO before. */
public record StoreStats(
    long fileSizeBytes, long intervalRows, long hourlyRows, long dailyRows, Duration lastWriteLatency) {}
