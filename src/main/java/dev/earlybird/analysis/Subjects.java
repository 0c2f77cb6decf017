package dev.earlybird.analysis;

import dev.earlybird.model.Subject;

/** Merges what a new observation knows about a subject into what an open finding knew. Pure. */
final class Subjects {
  private Subjects() {}

  /**
   * Names and family may have become known since the finding opened; what was known stays otherwise. A subject
   * of another shape (which a stable fingerprint rules out) is taken as observed.
   */
  static Subject merge(Subject known, Subject seen) {
    if (known instanceof Subject.Statement k && seen instanceof Subject.Statement s) {
      return new Subject.Statement(k.target(), k.dbId(), or(s.database(), k.database()), or(s.tenant(), k.tenant()),
          k.queryId(), or(s.family(), k.family()));
    }
    if (known instanceof Subject.Database k && seen instanceof Subject.Database s) {
      return new Subject.Database(k.target(), k.dbId(), or(s.database(), k.database()), or(s.tenant(), k.tenant()));
    }
    return seen;
  }

  private static String or(String first, String second) {
    return first != null ? first : second;
  }
}
