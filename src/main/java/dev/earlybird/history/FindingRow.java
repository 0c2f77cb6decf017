package dev.earlybird.history;

import dev.earlybird.model.Finding;

/** A finding with the text of its statement (null until the text was fetched). */
public record FindingRow(Finding finding, String query) {}
