package dev.earlybird.history;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code outbox} table. Only the dispatcher changes a row, and only a row not done yet: a second report of
 * the same delivery changes nothing. {@code sent} and {@code retry} count an attempt; {@code giveUp} does not (it
 * also ends notifications never tried: silenced ones, or ones older than {@code alerts.maxAge}).
 */
record JdbcOutbox(Transactions tx) implements Outbox {
  static final Set<String> GIVE_UP_OUTCOMES = Set.of("failed", "suppressed");
  private static final String COLUMNS = "id, receiver, type, ref, status, dedup_key, payload, created_us,"
      + " next_attempt_us, attempts, last_error, done_us, outcome";

  @Override
  public List<OutboxEntry> heads() {
    // Strict FIFO per receiver: the oldest undelivered row even when a younger one is due sooner.
    return tx.read("the outbox", c -> SqlRows.list(c, "SELECT " + COLUMNS + """
         FROM outbox WHERE id IN (SELECT min(id) FROM outbox WHERE done_us IS NULL GROUP BY receiver)
        ORDER BY id""", JdbcOutbox::read));
  }

  @Override
  public void sent(long id, Instant at) {
    tx.write("mark notification " + id + " sent", c -> SqlRows.update(c,
        "UPDATE outbox SET done_us = ?, outcome = 'sent', attempts = attempts + 1 WHERE id = ? AND done_us IS NULL",
        Columns.micros(at), id));
  }

  @Override
  public void retry(long id, Instant next, String error) {
    tx.write("reschedule notification " + id, c -> SqlRows.update(c,
        "UPDATE outbox SET next_attempt_us = ?, last_error = ?, attempts = attempts + 1"
            + " WHERE id = ? AND done_us IS NULL",
        Columns.micros(next), error, id));
  }

  @Override
  public void giveUp(long id, Instant at, String outcome, String error) {
    if (!GIVE_UP_OUTCOMES.contains(outcome)) {
      throw new IllegalArgumentException("a notification is given up as failed or suppressed, not " + outcome);
    }
    tx.write("give up notification " + id, c -> SqlRows.update(c,
        "UPDATE outbox SET done_us = ?, outcome = ?, last_error = ? WHERE id = ? AND done_us IS NULL",
        Columns.micros(at), outcome, error, id));
  }

  @Override
  public List<Backlog> backlog() {
    return tx.read("the outbox backlog", c -> SqlRows.list(c,
        "SELECT receiver, count(*), min(created_us) FROM outbox WHERE done_us IS NULL GROUP BY receiver ORDER BY receiver",
        rs -> new Backlog(rs.getString(1), rs.getLong(2), Optional.of(Columns.instant(rs.getLong(3))))));
  }

  @Override
  public List<OutboxEntry> deliveries(String ref) {
    return tx.read("deliveries of " + ref, c -> SqlRows.list(c, "SELECT " + COLUMNS + """
         FROM outbox WHERE id IN (SELECT max(id) FROM outbox WHERE ref = ? GROUP BY receiver)
        ORDER BY receiver""", JdbcOutbox::read, ref));
  }

  private static OutboxEntry read(ResultSet rs) throws SQLException {
    var n = new NewNotification(rs.getString("receiver"), rs.getString("type"), rs.getString("ref"),
        rs.getString("status"), rs.getString("dedup_key"), rs.getString("payload"),
        Columns.instant(rs.getLong("created_us")));
    return new OutboxEntry(rs.getLong("id"), n, Columns.instant(rs.getLong("next_attempt_us")),
        rs.getInt("attempts"), Optional.ofNullable(rs.getString("last_error")), SqlRows.optionalInstant(rs, "done_us"),
        Optional.ofNullable(rs.getString("outcome")));
  }
}
