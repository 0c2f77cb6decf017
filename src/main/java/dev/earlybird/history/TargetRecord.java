package dev.earlybird.history;

import java.time.Instant;
import java.util.Optional;

/**
 * What {@code /api/v1/targets} shows per target. {@code up}, {@code lastPollAt}, {@code statements} and
 * {@code lastError} are also maintained by {@link HistoryStore#recordPoll}.
 */
public record TargetRecord(
    String name,
    boolean up,
    Optional<Instant> lastPollAt,
    String serverVersion,
    long statements,
    Optional<String> lastError) {}
