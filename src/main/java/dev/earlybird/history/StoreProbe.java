package dev.earlybird.history;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * What {@code earlybird check} tells of a PostgreSQL store before an agent opens it: whether it answers, its server's
 * version, the schema it holds against this build's, whether the user may create the tables a new store needs, and who
 * holds its shards. Reads only; changes nothing.
 *
 * @param schema the store's schema version; 0 for a database without Earlybird's tables (the first agent makes them)
 * @param latest this build's schema version
 * @param canCreate whether the user may create tables in the schema the store's tables go in
 * @param owners who holds each shard now (replica names by shard), empty when no replica runs
 */
public record StoreProbe(String serverVersion, int schema, int latest, boolean canCreate, Map<Integer, String> owners) {

  /**
   * Connects to the store once.
   *
   * @param url a {@code jdbc:postgresql://} URL, credentials included
   * @throws SQLException it cannot be reached or read; the message says why (it never holds the URL's password)
   */
  public static StoreProbe of(String url) throws SQLException {
    Properties props = new Properties();
    props.setProperty("ApplicationName", "earlybird check");
    props.setProperty("connectTimeout", "10");
    props.setProperty("socketTimeout", "30");
    try (Connection c = DriverManager.getConnection(url, props)) {
      c.setReadOnly(true);
      String version = c.getMetaData().getDatabaseProductVersion();
      boolean create;
      try (var s = c.createStatement();
          var rs = s.executeQuery("SELECT pg_catalog.has_schema_privilege(pg_catalog.current_schema(), 'CREATE')")) {
        create = rs.next() && rs.getBoolean(1);
      }
      int schema = 0;
      Map<Integer, String> owners = Map.of();
      if (hasTable(c, "schema_version")) {
        c.setAutoCommit(false);
        schema = SchemaMigrator.currentVersion(c);
        if (hasTable(c, "shard_owner")) {
          owners = ShardLocks.owners(c);
        }
        c.rollback();
      }
      return new StoreProbe(version, schema, SchemaMigrator.latestVersion(), create, owners);
    }
  }

  private static boolean hasTable(Connection c, String name) throws SQLException {
    try (var ps = c.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
      ps.setString(1, name);
      try (var rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }
}
