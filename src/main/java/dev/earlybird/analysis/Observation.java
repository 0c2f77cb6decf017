package dev.earlybird.analysis;

import dev.earlybird.model.Evidence;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.Severity;

/** A finding's condition seen to hold in one window, before the lifecycle decides what that means. */
public record Observation(
    String fingerprint,
    FindingKind kind,
    Severity severity,
    String target,
    long dbId,
    String database,
    String tenant,
    long queryId,
    String family,
    String summary,
    Evidence evidence) {}
