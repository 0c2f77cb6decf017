package dev.earlybird.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** How tests reach a harness server as superuser {@code postgres} (trust authentication, no password). */
public interface SuperuserAccess {
  /** {@code jdbc:postgresql://<host>:<port>/<database>}, with no user or password in it. */
  String jdbcUrl(String database);

  /** A new connection as superuser {@code postgres} (autocommit); the caller closes it. */
  default Connection superuser(String database) throws SQLException {
    var props = new Properties();
    props.setProperty("user", "postgres");
    props.setProperty("ApplicationName", "earlybird-test-harness");
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  /** Runs statements as superuser in {@code database}, each in its own autocommit transaction. */
  default void execute(String database, String... sql) {
    try (Connection c = superuser(database);
        Statement s = c.createStatement()) {
      for (String each : sql) {
        s.execute(each);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(this + ": " + e.getMessage(), e);
    }
  }
}
