package dev.earlybird.model;

import java.util.List;
import java.util.Objects;

/**
 * What a finding is about. Regressions, hot, new and outlier statements are about a statement; a morning
 * forecast is about a target and the tenants on it; advice may be about a database. A tenant-wide finding
 * has neither target nor database.
 */
public sealed interface Subject {
  /** The target the subject lives on; empty for a tenant, which may span targets. */
  String target();

  /**
   * One pg_stat_statements statement, summed over users and nesting levels.
   *
   * @param database null while the oid is not known by name yet
   * @param tenant null while the database is not known by name yet
   * @param family null while the text was not read yet
   */
  record Statement(String target, long dbId, String database, String tenant, long queryId, String family)
      implements Subject {
    public Statement {
      Objects.requireNonNull(target, "target");
    }
  }

  /** @param database null while the oid is not known by name yet */
  record Database(String target, long dbId, String database, String tenant) implements Subject {
    public Database {
      Objects.requireNonNull(target, "target");
    }
  }

  /** A server, and the tenants whose databases it holds (a forecast warns each of them). */
  record Target(String target, List<String> tenants) implements Subject {
    public Target {
      Objects.requireNonNull(target, "target");
      tenants = List.copyOf(tenants);
    }
  }

  record Tenant(String tenant) implements Subject {
    public Tenant {
      Objects.requireNonNull(tenant, "tenant");
    }

    @Override
    public String target() {
      return "";
    }
  }
}
