package dev.earlybird.source.postgres;

/**
 * An installed pg_stat_statements extension version, e.g. 1.11, compared numerically (1.9 before 1.10). Also reads
 * pg_stat_kcache's three-part versions ("2.2.1" is 2.2), which follow the same rules.
 */
record PgssVersion(int major, int minor) {
  /** The oldest definition the counter query supports: 1.8, shipped with PostgreSQL 13. */
  static final PgssVersion OLDEST_SUPPORTED = new PgssVersion(1, 8);

  static PgssVersion parse(String extversion) {
    String[] parts = extversion.strip().split("\\.");
    try {
      return new PgssVersion(Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an extension version: " + extversion, e);
    }
  }

  boolean atLeast(int otherMajor, int otherMinor) {
    return major != otherMajor ? major > otherMajor : minor >= otherMinor;
  }

  boolean supported() {
    return atLeast(OLDEST_SUPPORTED.major, OLDEST_SUPPORTED.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
