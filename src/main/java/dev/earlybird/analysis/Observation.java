package dev.earlybird.analysis;

import dev.earlybird.model.Evidence;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;

/** A finding's condition seen to hold in one window, before the lifecycle decides what that means. */
public record Observation(String fingerprint, Severity severity, Subject subject, String summary, Evidence evidence) {
  public FindingKind kind() {
    return evidence.kind();
  }
}
