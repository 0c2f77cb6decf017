package dev.earlybird.history;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** The {@code review} and {@code review_mark} tables. */
record JdbcReviewStore(Transactions tx) implements ReviewStore {
  private static final String COLUMNS = "id, tenant, workday, scheduled_us, ran_us, late, body";

  @Override
  public Map<String, LocalDate> reviewedThrough() {
    return tx.read("reviewed-through dates", c -> {
      Map<String, LocalDate> out = new LinkedHashMap<>();
      for (var row : SqlRows.list(c, "SELECT tenant, reviewed_through FROM review_mark ORDER BY tenant",
          rs -> Map.entry(rs.getString(1), rs.getObject(2, LocalDate.class)))) {
        out.put(row.getKey(), row.getValue());
      }
      return out;
    });
  }

  @Override
  public void firstSeen(String tenant, LocalDate reviewedThrough) {
    tx.write("remember tenant " + tenant, c -> SqlRows.update(c,
        "INSERT INTO review_mark (tenant, reviewed_through) VALUES (?, ?) ON CONFLICT (tenant) DO NOTHING",
        tenant, reviewedThrough));
  }

  @Override
  public void record(StoredReview r, AlertWrites writes) {
    // Checked in the transaction (writes are serialized), so a refused review leaves the store as it was and
    // does not count as a failed write: the primary key would refuse it too, but as a store failure.
    AtomicBoolean duplicate = new AtomicBoolean();
    tx.write("record review " + r.id(), c -> {
      if (!SqlRows.list(c, "SELECT id FROM review WHERE id = ?", rs -> rs.getString(1), r.id()).isEmpty()) {
        duplicate.set(true);
        return;
      }
      SqlRows.update(c, "INSERT INTO review (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)", r.id(), r.tenant(),
          r.workday(), Columns.micros(r.scheduledFor()), Columns.micros(r.ranAt()), r.late(), r.body());
      // Never backwards: a late review of an older workday leaves a newer mark as it is.
      SqlRows.update(c, "UPDATE review_mark SET reviewed_through = ? WHERE tenant = ? AND reviewed_through < ?",
          r.workday(), r.tenant(), r.workday());
      SqlRows.update(c,
          "INSERT INTO review_mark (tenant, reviewed_through) VALUES (?, ?) ON CONFLICT (tenant) DO NOTHING",
          r.tenant(), r.workday());
      AlertTables.record(c, writes);
    });
    if (duplicate.get()) {
      throw new HistoryException("review " + r.id() + " is stored already: each tenant's workday is reviewed once,"
          + " so this run stored nothing and sent nothing");
    }
  }

  @Override
  public List<StoredReview> reviews(
      Optional<String> tenant, Optional<Instant> from, Optional<Instant> to, Optional<Seek> seek, int limit) {
    StringBuilder where = new StringBuilder("TRUE");
    List<Object> params = new ArrayList<>();
    tenant.ifPresent(t -> { where.append(" AND tenant = ?"); params.add(t); });
    from.ifPresent(f -> { where.append(" AND scheduled_us >= ?"); params.add(Columns.micros(f)); });
    to.ifPresent(t -> { where.append(" AND scheduled_us < ?"); params.add(Columns.micros(t)); });
    boolean before = seek.map(Seek::before).orElse(false);
    seek.ifPresent(s -> {
      where.append(" AND (-scheduled_us, tenant) ").append(s.before() ? "<" : ">").append(" (?, ?)");
      params.add(-Columns.micros(s.scheduledFor()));
      params.add(s.tenant());
    });
    String sql = "SELECT " + COLUMNS + " FROM review WHERE " + where
        + (before ? " ORDER BY scheduled_us, tenant DESC" : " ORDER BY scheduled_us DESC, tenant")
        + " LIMIT " + Math.max(0, limit);
    List<StoredReview> out =
        new ArrayList<>(tx.read("reviews", c -> SqlRows.list(c, sql, JdbcReviewStore::read, params.toArray())));
    if (before) {
      java.util.Collections.reverse(out); // read backwards from the seek, shown newest first
    }
    return out;
  }

  @Override
  public Optional<StoredReview> review(String id) {
    return tx.read("review " + id, c -> SqlRows.list(
        c, "SELECT " + COLUMNS + " FROM review WHERE id = ?", JdbcReviewStore::read, id).stream().findFirst());
  }

  private static StoredReview read(ResultSet rs) throws SQLException {
    return new StoredReview(rs.getString("id"), rs.getString("tenant"), rs.getObject("workday", LocalDate.class),
        Columns.instant(rs.getLong("scheduled_us")), Columns.instant(rs.getLong("ran_us")), rs.getBoolean("late"),
        rs.getString("body"));
  }
}
