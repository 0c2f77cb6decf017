package dev.earlybird.history;

/** An active finding about a statement of a family (kind and severity as their labels). */
public record FamilyFinding(
    String id, String target, long dbId, long queryId, String kind, String severity, String summary) {}
