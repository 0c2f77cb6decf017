package dev.earlybird.model;

import java.util.Objects;

/**
 * What came of asking a server for a statement's generic plan: the plan, or why there is none. A statement that
 * cannot be planned is an expected outcome with a reason a DBA can read, not an error: most fleets have texts that
 * are utility statements, cut off, or refer to objects of another {@code search_path}.
 */
public sealed interface PlanCapture {

  /**
   * The generic plan.
   *
   * @param json {@code EXPLAIN (VERBOSE, FORMAT JSON)} output as the server wrote it
   * @param parameters how many parameters ({@code $1..$n}) the statement has; each was planned as unknown, never
   *     with a value
   */
  record Planned(String json, int parameters) implements PlanCapture {
    public Planned {
      Objects.requireNonNull(json, "json");
      if (parameters < 0) {
        throw new IllegalArgumentException("parameters must be >= 0: " + parameters);
      }
    }
  }

  /**
   * No plan, and why.
   *
   * @param detail what the server said (SQLSTATE and its message) or which limit applied; never a parameter value or
   *     the statement text
   */
  record Skipped(SkipReason reason, String detail) implements PlanCapture {
    public Skipped {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** Why a statement has no plan. */
  enum SkipReason {
    /** Not a SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE or WITH statement: nothing to plan. */
    UTILITY,
    /** The text was cut at {@code track_activity_query_size}: planning the rest would plan another statement. */
    TRUNCATED,
    /** More than one statement in the text; only one is ever sent. */
    MULTIPLE_STATEMENTS,
    /** More parameters than the configured bound (long IN lists): planning them costs more than it tells. */
    TOO_MANY_PARAMETERS,
    /** The server could not tell a parameter's type from the text alone (e.g. {@code SELECT $1}). */
    AMBIGUOUS_TYPE,
    /** A relation the text names does not exist under the pinned search_path (another schema, or dropped). */
    RELATION_MISSING,
    /** A column, function, type or schema the text names does not exist (as seen under the pinned search_path). */
    OBJECT_MISSING,
    /** The server could not parse the text. */
    SYNTAX_ERROR,
    /** The advisor's role may not read an object the statement uses. */
    PERMISSION_DENIED,
    /** Planning took longer than the statement timeout, or waited for a lock longer than the lock timeout. */
    TIMEOUT,
    /** Any other error the server reported while planning. */
    PLAN_ERROR
  }
}
