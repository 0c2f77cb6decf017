package dev.earlybird.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;

/** The stores of alerting: alerts, the outbox, the morning reviews and silences, all in one history store. */
public record Alerting(AlertLog alerts, Outbox outbox, ReviewStore reviews, Silences silences) {
  public Alerting {
    Objects.requireNonNull(alerts, "alerts");
    Objects.requireNonNull(outbox, "outbox");
    Objects.requireNonNull(reviews, "reviews");
    Objects.requireNonNull(silences, "silences");
  }

  static Alerting over(Transactions tx) {
    return new Alerting(new JdbcAlertLog(tx), new JdbcOutbox(tx), new JdbcReviewStore(tx), new JdbcSilences(tx));
  }

  /**
   * Retention, inside the caller's transaction. Delivered and given-up notifications go with the hourly tier,
   * except those of an alert still firing (the alerts page shows how its delivery went); an undelivered one is
   * never deleted. Resolved alerts, reviews and ended silences (who silenced what) are kept as long as daily
   * rollups.
   */
  static void purge(Connection c, Instant now, Retention retention) throws SQLException {
    long hourly = Columns.micros(now.minus(retention.hourly()));
    long daily = Columns.micros(now.minus(retention.daily()));
    delete(c, """
        DELETE FROM outbox WHERE done_us IS NOT NULL AND done_us < ?
          AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.fingerprint || ':' || a.stage = outbox.ref AND a.firing)""", hourly);
    delete(c, "DELETE FROM alert WHERE NOT firing AND ends_us < ?", daily);
    delete(c, "DELETE FROM review WHERE scheduled_us < ?", daily);
    delete(c, "DELETE FROM silence WHERE ends_us < ?", daily);
  }

  private static void delete(Connection c, String sql, long beforeUs) throws SQLException {
    try (var ps = c.prepareStatement(sql)) {
      ps.setLong(1, beforeUs);
      ps.executeUpdate();
    }
  }
}
