package dev.earlybird.analysis;

import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.IndexDef;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Fleet index drift: across same-schema tenant databases, an index that most databases with a table have and a few
 * lack (same table, method, columns, predicate: {@link IndexDef#signature()}), which is what a fleet that builds
 * indexes after bulk loads, a few databases at a time, ends up with. One {@code fleet_index_drift} advice per
 * lacking database, naming all the databases that lack it. Pure.
 *
 * <p>Linear in the fleet's indexes: one pass over the catalogs fills a bitset of databases per signature, and each
 * signature is then checked against its table's databases; no loop over pairs of databases. Truncated catalogs (more
 * tables or indexes than were read) are left out: an index missing from a partial read is no evidence.
 */
public final class FleetDrift {
  public static final double DEFAULT_MIN_SHARE = 0.7;
  public static final int DEFAULT_MIN_DATABASES = 3;
  static final String RULE = "fleet_index_drift";

  /**
   * One database lacking an index most of the fleet has.
   *
   * @param fleetIndex the index as most databases have it, under the name most of them use
   * @param lacking every database lacking it, as {@code target/database}, sorted
   */
  public record Gap(
      String fingerprint,
      String target,
      long dbId,
      String database,
      IndexDef fleetIndex,
      String ddl,
      int databasesWithTable,
      int databasesWithIndex,
      List<String> lacking) {
    public Gap {
      lacking = List.copyOf(lacking);
    }
  }

  private final List<Observation> observations;
  private final Map<String, List<Gap>> byTable;

  private FleetDrift(List<Observation> observations, Map<String, List<Gap>> byTable) {
    this.observations = List.copyOf(observations);
    this.byTable = byTable;
  }

  public static FleetDrift of(List<DatabaseCatalog> fleet, double minShare, int minDatabases) {
    return of(fleet, minShare, minDatabases, (target, dbId) -> null);
  }

  /** @param tenantOf the tenant of a database (target, oid), null when not known */
  public static FleetDrift of(List<DatabaseCatalog> fleet, double minShare, int minDatabases,
      BiFunction<String, Long, String> tenantOf) {
    if (!(minShare > 0.5 && minShare <= 1) || minDatabases < 2) {
      // Below a majority, "most of the fleet has it" would not hold; one database is no fleet.
      throw new IllegalArgumentException("fleet drift needs minShare in (0.5, 1] and minDatabases >= 2, got "
          + minShare + " and " + minDatabases);
    }
    List<DatabaseCatalog> dbs = fleet.stream().filter(c -> !c.truncated())
        .sorted(Comparator.comparing(DatabaseCatalog::target).thenComparingLong(DatabaseCatalog::dbId))
        .toList();
    Map<String, List<Integer>> tables = new HashMap<>();
    Map<String, Seen> signatures = new TreeMap<>(); // sorted: deterministic output
    for (int i = 0; i < dbs.size(); i++) {
      DatabaseCatalog c = dbs.get(i);
      for (var r : c.relations()) {
        tables.computeIfAbsent(key(r.schema(), r.table()), k -> new ArrayList<>()).add(i);
      }
      for (IndexDef x : c.indexes()) {
        Seen s = signatures.computeIfAbsent(x.signature(), k -> new Seen(x));
        if (x.valid()) {
          s.databases.set(i);
          s.names.merge(x.name(), 1, Integer::sum);
        } else {
          s.invalid.put(i, x.name()); // a failed CONCURRENTLY build: the planner ignores it, so it is lacking
        }
      }
    }
    List<Observation> out = new ArrayList<>();
    Map<String, List<Gap>> byTable = new HashMap<>();
    for (Seen s : signatures.values()) {
      List<Integer> withTable = tables.get(key(s.example.schema(), s.example.table()));
      if (withTable == null || withTable.size() < minDatabases) {
        continue;
      }
      List<Integer> lacking = withTable.stream().filter(i -> !s.databases.get(i)).toList();
      int having = withTable.size() - lacking.size();
      if (lacking.isEmpty() || having < minShare * withTable.size()) {
        continue;
      }
      IndexDef fleetIndex = s.named();
      String ddl = ddl(fleetIndex);
      List<String> names = lacking.stream().map(i -> dbs.get(i).target() + "/" + dbs.get(i).database()).sorted()
          .toList();
      for (int i : lacking) {
        DatabaseCatalog c = dbs.get(i);
        String fp = Fingerprints.advice(RULE, s.example.signature() + "\u0000" + c.target() + "\u0000" + c.dbId());
        Gap gap = new Gap(fp, c.target(), c.dbId(), c.database(), fleetIndex, ddl, withTable.size(), having, names);
        byTable.computeIfAbsent(key(c.target(), c.dbId(), fleetIndex.schema(), fleetIndex.table()),
            k -> new ArrayList<>()).add(gap);
        out.add(observation(gap, s.invalid.get(i), tenantOf.apply(c.target(), c.dbId())));
      }
    }
    out.sort(Comparator.comparing((Observation o) -> o.subject().target())
        .thenComparingLong(o -> ((Subject.Database) o.subject()).dbId()));
    return new FleetDrift(out, byTable);
  }

  /** One advice per database lacking an index, by target and database. */
  public List<Observation> observations() {
    return observations;
  }

  /** The indexes most of the fleet has on {@code schema.table} that this database lacks; empty when none. */
  public List<Gap> lacking(String target, long dbId, String schema, String table) {
    return byTable.getOrDefault(key(target, dbId, schema, table), List.of());
  }

  private static Observation observation(Gap g, String invalidName, String tenant) {
    IndexDef x = g.fleetIndex();
    String table = Identifiers.qualified(x.schema(), x.table());
    String drop = invalidName == null ? "" : String.format(Locale.ROOT,
        "; an invalid index %s from a failed build is in its place here: DROP INDEX CONCURRENTLY %s first",
        Identifiers.quote(invalidName), Identifiers.qualified(x.schema(), invalidName));
    String summary = String.format(Locale.ROOT, "lacks index %s on %s that %d of %d databases with the table have",
        Identifiers.quote(x.name()), table, g.databasesWithIndex(), g.databasesWithTable());
    String advice = String.format(Locale.ROOT,
        "%s (%s): statements on %s that the rest of the fleet answers from this index scan the table here. Build it "
            + "as the fleet has it: %s%s",
        summary, g.lacking().size() == 1 ? "the only one lacking it"
            : String.format(Locale.ROOT, "one of %d lacking it", g.lacking().size()), table, g.ddl(), drop);
    Map<String, Double> numbers = new LinkedHashMap<>();
    numbers.put("databasesWithTable", (double) g.databasesWithTable());
    numbers.put("databasesWithIndex", (double) g.databasesWithIndex());
    numbers.put("databasesLacking", (double) g.lacking().size());
    var evidence = new Evidence.Advice(RULE, advice, g.ddl(), numbers, null, g.lacking(), null, null);
    return new Observation(g.fingerprint(), Severity.INFO,
        new Subject.Database(g.target(), g.dbId(), g.database(), tenant), summary, evidence);
  }

  /** {@code CREATE [UNIQUE] INDEX CONCURRENTLY name ON schema.table USING method (cols) [INCLUDE (…)] [WHERE …]} */
  static String ddl(IndexDef x) {
    return "CREATE " + (x.unique() ? "UNIQUE " : "") + "INDEX CONCURRENTLY " + Identifiers.quote(x.name()) + " ON "
        + Identifiers.qualified(x.schema(), x.table()) + " USING " + x.method().toLowerCase(Locale.ROOT) + " ("
        + String.join(", ", x.columns()) + ")"
        + (x.include().isEmpty() ? "" : " INCLUDE (" + String.join(", ", x.include()) + ")")
        + (x.predicate() == null ? "" : " WHERE " + x.predicate());
  }

  private static String key(String schema, String table) {
    return schema + "\u0000" + table;
  }

  private static String key(String target, long dbId, String schema, String table) {
    return target + "\u0000" + dbId + "\u0000" + schema + "\u0000" + table;
  }

  /** What the pass over the fleet saw of one signature. */
  private static final class Seen {
    final IndexDef example;
    final BitSet databases = new BitSet();
    final Map<String, Integer> names = new HashMap<>();
    final Map<Integer, String> invalid = new HashMap<>();

    Seen(IndexDef example) {
      this.example = example;
    }

    /** The index under the name most databases give it (the first in order on a tie). */
    IndexDef named() {
      String name = names.entrySet().stream()
          .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey(
              Comparator.reverseOrder())))
          .map(Map.Entry::getKey).orElse(example.name());
      return new IndexDef(example.schema(), example.table(), name, example.method(), example.columns(),
          example.include(), example.predicate(), example.unique(), true);
    }
  }
}
