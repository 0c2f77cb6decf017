package dev.earlybird.history;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.earlybird.model.LabelMatcher;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** The {@code silence} table; matchers are JSON text, {@code [{"name", "value", "regex"}]}. */
record JdbcSilences(Transactions tx) implements Silences {
  private static final String COLUMNS = "id, matchers, starts_us, ends_us, created_by, comment, created_us";

  @Override
  public void add(Silence s) {
    tx.write("add silence " + s.id(), c -> SqlRows.update(c,
        "INSERT INTO silence (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)", s.id(), AlertTables.json(s.matchers()),
        Columns.micros(s.startsAt()), Columns.micros(s.endsAt()), s.createdBy(), s.comment(),
        Columns.micros(s.createdAt())));
  }

  @Override
  public boolean delete(String id) {
    AtomicInteger deleted = new AtomicInteger();
    tx.write("delete silence " + id, c -> deleted.set(SqlRows.update(c, "DELETE FROM silence WHERE id = ?", id)));
    return deleted.get() > 0;
  }

  @Override
  public boolean expire(String id, Instant now) {
    AtomicInteger changed = new AtomicInteger();
    long us = Columns.micros(now);
    tx.write("expire silence " + id, c -> changed.set(
        SqlRows.update(c, "DELETE FROM silence WHERE id = ? AND starts_us >= ?", id, us)
            + SqlRows.update(c, "UPDATE silence SET ends_us = ? WHERE id = ? AND ends_us > ?", us, id, us)));
    return changed.get() > 0;
  }

  @Override
  public Optional<Silence> find(String id) {
    return tx.read("silence " + id, c -> SqlRows.list(c, "SELECT " + COLUMNS + " FROM silence WHERE id = ?",
        JdbcSilences::read, id)).stream().findFirst();
  }

  private static final Keyset.Order ACTIVE = new Keyset.Order("ends_us", "id", false);
  private static final Keyset.Order ENDED = new Keyset.Order("ends_us", "id", true);

  @Override
  public List<Silence> page(boolean active, Instant now, Optional<Keyset> from, int limit) {
    return tx.read("a page of silences", c -> (active ? ACTIVE : ENDED).page(c, "SELECT " + COLUMNS
        + " FROM silence WHERE ends_us " + (active ? ">" : "<=") + " ?", List.of(Columns.micros(now)), from, limit,
        JdbcSilences::read));
  }

  @Override
  public List<Silence> current(Instant now) {
    return tx.read("silences", c -> SqlRows.list(c,
        "SELECT " + COLUMNS + " FROM silence WHERE ends_us > ? ORDER BY ends_us, id", JdbcSilences::read,
        Columns.micros(now)));
  }

  private static Silence read(ResultSet rs) throws SQLException {
    return new Silence(rs.getString("id"),
        AlertTables.parse(rs.getString("matchers"), new TypeReference<List<LabelMatcher>>() {}),
        Columns.instant(rs.getLong("starts_us")), Columns.instant(rs.getLong("ends_us")), rs.getString("created_by"),
        rs.getString("comment"), Columns.instant(rs.getLong("created_us")));
  }
}
