package dev.earlybird.history;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.earlybird.model.AlertStage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code alert} table; labels, annotations and receivers are JSON text. */
record JdbcAlertLog(Transactions tx) implements AlertLog {
  private static final String COLUMNS = "fingerprint, stage, finding_id, firing, labels, annotations, receivers,"
      + " silenced_by, starts_us, updated_us, ends_us";

  @Override
  public void record(AlertWrites writes) {
    tx.write("record alerts", c -> AlertTables.record(c, writes));
  }

  @Override
  public List<AlertRecord> alerts(Optional<Boolean> firing, int limit) {
    String where = firing.map(f -> " WHERE firing = " + (f ? "TRUE" : "FALSE")).orElse("");
    return tx.read("alerts", c -> SqlRows.list(c,
        "SELECT " + COLUMNS + " FROM alert" + where + " ORDER BY updated_us DESC, fingerprint, stage LIMIT "
            + Math.max(0, limit), JdbcAlertLog::read));
  }

  private static final Keyset.Order ORDER = new Keyset.Order("updated_us", "fingerprint || ':' || stage", true);

  @Override
  public List<AlertRecord> page(Optional<State> state, Optional<Keyset> from, int limit) {
    return tx.read("a page of alerts", c -> ORDER.page(c, "SELECT " + COLUMNS + " FROM alert WHERE "
        + state.map(st -> st.sql).orElse("TRUE"), List.of(), from, limit, JdbcAlertLog::read));
  }

  @Override
  public List<AlertRecord> firing(String fingerprint) {
    return tx.read("firing alerts of " + fingerprint, c -> SqlRows.list(c,
        "SELECT " + COLUMNS + " FROM alert WHERE firing AND fingerprint = ? ORDER BY stage", JdbcAlertLog::read,
        fingerprint));
  }

  private static AlertRecord read(ResultSet rs) throws SQLException {
    return new AlertRecord(
        rs.getString("fingerprint"), AlertStage.parse(rs.getString("stage")), rs.getString("finding_id"),
        rs.getBoolean("firing"), AlertTables.parse(rs.getString("labels"), new TypeReference<Map<String, String>>() {}),
        AlertTables.parse(rs.getString("annotations"), new TypeReference<Map<String, String>>() {}),
        AlertTables.parse(rs.getString("receivers"), new TypeReference<List<String>>() {}),
        Optional.ofNullable(rs.getString("silenced_by")), Columns.instant(rs.getLong("starts_us")),
        Columns.instant(rs.getLong("updated_us")), SqlRows.optionalInstant(rs, "ends_us"));
  }
}
