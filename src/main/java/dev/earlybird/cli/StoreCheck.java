package dev.earlybird.cli;

import dev.earlybird.config.StoreConfig;
import dev.earlybird.history.StoreProbe;
import dev.earlybird.source.postgres.CheckResult;
import dev.earlybird.source.postgres.CheckResult.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code check}'s lines about the history store: for a PostgreSQL store, that it answers, the schema it holds and
 * whether the user may create a new store's tables, and who holds its shards; for a DuckDB file, that its directory
 * can hold it. Changes nothing.
 */
final class StoreCheck {
  private StoreCheck() {}

  static List<CheckResult> run(StoreConfig store) {
    return switch (store) {
      case StoreConfig.Postgres p -> postgres(p);
      case StoreConfig.DuckDb d -> duckDb(d.file());
    };
  }

  private static List<CheckResult> postgres(StoreConfig.Postgres p) {
    StoreProbe probe;
    try {
      probe = StoreProbe.of(p.jdbcUrl());
    } catch (SQLException e) {
      return List.of(new CheckResult("reachable", Status.FAIL, String.valueOf(e.getMessage()),
          "Check the store URL's host, port and database, that the server is up and reachable from here, and the "
              + "user's password (`password=${env:...}` or `${file:...}` in the URL)."));
    }
    List<CheckResult> out = new ArrayList<>();
    out.add(new CheckResult("reachable", Status.PASS, "PostgreSQL " + probe.serverVersion(), ""));
    if (probe.schema() == 0) {
      out.add(probe.canCreate()
          ? new CheckResult("schema", Status.PASS, "no Earlybird tables yet: the first agent creates them", "")
          : new CheckResult("schema", Status.FAIL, "no Earlybird tables yet, and the user may not create tables here",
              "Give the user the database, or GRANT CREATE ON SCHEMA public TO it (PostgreSQL 15 and later no "
                  + "longer let every user create in public)."));
    } else if (probe.schema() > probe.latest()) {
      out.add(new CheckResult("schema", Status.FAIL, "version " + probe.schema() + ", written by a newer Earlybird "
          + "(this one knows " + probe.latest() + ")", "Run the Earlybird that wrote it, or point `store:` elsewhere."));
    } else if (probe.schema() < probe.latest()) {
      out.add(new CheckResult("schema", Status.PASS, "version " + probe.schema() + ": this Earlybird upgrades it to "
          + probe.latest() + " when it starts", ""));
    } else {
      out.add(new CheckResult("schema", Status.PASS, "version " + probe.schema() + ", this Earlybird's", ""));
    }
    int count = p.shards();
    Map<Integer, String> owners = new TreeMap<>(probe.owners());
    if (count > 1 || !owners.isEmpty()) {
      List<String> held = new ArrayList<>();
      for (int s = 0; s < count; s++) {
        held.add(s + "/" + count + " " + (owners.containsKey(s) ? "held by " + owners.get(s) : "not held"));
      }
      out.add(new CheckResult("shards", Status.PASS, String.join("; ", held), ""));
    }
    return out;
  }

  private static List<CheckResult> duckDb(Path file) {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    if (Files.isRegularFile(absolute)) {
      return List.of(new CheckResult("file", Status.PASS, file + " exists", ""));
    }
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && Files.isDirectory(existing) && Files.isWritable(existing)) {
      return List.of(new CheckResult("file", Status.PASS, file + " does not exist yet: the agent creates it", ""));
    }
    return List.of(new CheckResult("file", Status.FAIL, file + " cannot be created: " + existing
        + " is not a writable directory", "Point `store:` at a file in a directory the agent may write."));
  }
}
