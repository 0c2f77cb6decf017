package dev.earlybird.source.postgres;

import dev.earlybird.model.HypotheticalCost;
import java.util.Objects;

/** What trying one candidate index with HypoPG gave: its costs, or why it was not tried. */
public sealed interface HypotheticalOutcome {
  /** The statement's generic plan was costed without and with the hypothetical index. */
  record Tried(HypotheticalCost cost) implements HypotheticalOutcome {
    public Tried {
      Objects.requireNonNull(cost, "cost");
    }
  }

  /** Not tried; {@code why} is safe to show (it never holds a parameter value: generic plans have none). */
  record Untried(String why) implements HypotheticalOutcome {
    public Untried {
      Objects.requireNonNull(why, "why");
    }
  }
}
