package dev.earlybird.history;

import dev.earlybird.model.LabelMatcher;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps alerts whose labels match every matcher from being sent between {@code startsAt} and {@code endsAt}.
 *
 * @param createdBy who asked for it (free text from the request; the token itself is never stored)
 */
public record Silence(
    String id, List<LabelMatcher> matchers, Instant startsAt, Instant endsAt, String createdBy, String comment,
    Instant createdAt) {
  public Silence {
    Objects.requireNonNull(id, "id");
    matchers = List.copyOf(matchers);
    if (matchers.isEmpty()) {
      throw new IllegalArgumentException("a silence needs at least one matcher");
    }
    Objects.requireNonNull(startsAt, "startsAt");
    Objects.requireNonNull(endsAt, "endsAt");
    if (!endsAt.isAfter(startsAt)) {
      throw new IllegalArgumentException("a silence must end after it starts");
    }
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(comment, "comment");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  public boolean activeAt(Instant at) {
    return !at.isBefore(startsAt) && at.isBefore(endsAt);
  }

  public boolean silences(Map<String, String> labels, Instant at) {
    return activeAt(at) && matchers.stream().allMatch(m -> m.matches(labels));
  }
}
