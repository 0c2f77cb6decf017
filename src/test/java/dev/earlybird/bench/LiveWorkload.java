package dev.earlybird.bench;

import dev.earlybird.testing.PgServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An open-loop workload: every tenant runs each statement at a fixed rate (calls per second), with random
 * parameters, from a small pool of threads, whatever the statements cost. A slower statement therefore keeps
 * its call rate (as a web application's would), and a volume surge multiplies the rates, not the cost.
 *
 * <p>Each tenant has one long-lived connection (its prepared statements settle on generic plans, as a pooled
 * application's do), renewed on request, so settings made with {@code ALTER DATABASE ... SET} reach the
 * workload, and after errors. Errors are counted; those outside an announced outage (the server restart) fail
 * the bench.
 */
final class LiveWorkload implements AutoCloseable {
  static final Duration TICK = Duration.ofMillis(100);
  /** A tick this late (the server was down) is skipped rather than caught up in a burst. */
  static final Duration MAX_LATENESS = Duration.ofSeconds(1);

  /** Calls per second per tenant. */
  static final Map<String, Double> RATES = rates();

  private static Map<String, Double> rates() {
    var m = new LinkedHashMap<String, Double>();
    m.put("customer_by_id", 10.0);
    m.put("orders_by_customer", 5.0);
    m.put("customer_totals", 3.0);
    m.put("order_summary", 3.0);
    m.put("record_event", 3.0);
    m.put("note_ranking", 1.5);
    m.put("revenue_report", 1.5);
    m.put("tier_overview", 3.0);
    return java.util.Collections.unmodifiableMap(m);
  }

  private final PgServer server;
  private final List<Tenant> tenants = new ArrayList<>();
  private final ScheduledExecutorService pool;
  private final AtomicBoolean outage = new AtomicBoolean();
  private final AtomicLong outageErrors = new AtomicLong();
  private final AtomicLong unexpectedErrors = new AtomicLong();
  private final AtomicReference<String> firstUnexpected = new AtomicReference<>();

  LiveWorkload(PgServer server, List<String> databases, int threads) {
    this.server = server;
    long seed = 20261120L;
    for (String db : databases) {
      tenants.add(new Tenant(db, new SplittableRandom(seed++)));
    }
    this.pool = Executors.newScheduledThreadPool(threads, r -> {
      Thread t = new Thread(r, "workload");
      t.setDaemon(true);
      return t;
    });
  }

  void start() {
    for (Tenant t : tenants) {
      pool.scheduleAtFixedRate(t::tick, 0, TICK.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  Tenant tenant(String database) {
    return tenants.stream().filter(t -> t.database.equals(database)).findFirst().orElseThrow();
  }

  /** While set, errors are expected (the server is being restarted) and counted apart. */
  void outage(boolean on) {
    outage.set(on);
  }

  long outageErrors() {
    return outageErrors.get();
  }

  long unexpectedErrors() {
    return unexpectedErrors.get();
  }

  String firstUnexpectedError() {
    return firstUnexpected.get();
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tenants.forEach(Tenant::disconnect);
  }

  /** One tenant's share of the workload; its ticks never overlap (fixed-rate tasks do not run concurrently). */
  final class Tenant {
    final String database;
    private final SplittableRandom random;
    private final Map<String, Double> owed = new HashMap<>();
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    private final AtomicBoolean reconnect = new AtomicBoolean();
    private volatile double volume = 1.0;
    private volatile boolean extraStatement;
    private Connection connection;
    private long firstTick;
    private long ticks;

    Tenant(String database, SplittableRandom random) {
      this.database = database;
      this.random = random;
    }

    void volume(double factor) {
      volume = factor;
    }

    void startExtraStatement() {
      extraStatement = true;
    }

    /** The next tick opens a new connection (new sessions pick up ALTER DATABASE/ROLE settings). */
    void reconnect() {
      reconnect.set(true);
    }

    private void tick() {
      long now = System.nanoTime();
      if (ticks == 0) {
        firstTick = now;
      }
      // When this tick was due on the executor's fixed-rate schedule.
      long due = firstTick + ticks++ * TICK.toNanos();
      if (now - due > MAX_LATENESS.toNanos()) {
        return;
      }
      try {
        connect();
        double seconds = TICK.toNanos() / 1e9;
        for (var e : RATES.entrySet()) {
          if (e.getKey().equals("tier_overview") && !extraStatement) {
            continue;
          }
          double calls = owed.getOrDefault(e.getKey(), 0.0) + e.getValue() * volume * seconds;
          while (calls >= 1) {
            run(e.getKey());
            calls -= 1;
          }
          owed.put(e.getKey(), calls);
        }
      } catch (SQLException | RuntimeException e) {
        if (outage.get()) {
          outageErrors.incrementAndGet();
        } else {
          unexpectedErrors.incrementAndGet();
          firstUnexpected.compareAndSet(null, database + ": " + e);
        }
        disconnect();
      }
    }

    private void connect() throws SQLException {
      if (connection != null && !reconnect.get()) {
        return;
      }
      reconnect.set(false);
      disconnect();
      Properties p = new Properties();
      p.setProperty("user", "postgres");
      p.setProperty("ApplicationName", "earlybird-detection-bench");
      p.setProperty("connectTimeout", "3");
      p.setProperty("loginTimeout", "3");
      p.setProperty("socketTimeout", "60");
      connection = DriverManager.getConnection(server.jdbcUrl(database), p);
    }

    private void disconnect() {
      prepared.clear();
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException e) {
          // the connection is being thrown away
        }
        connection = null;
      }
    }

    private void run(String label) throws SQLException {
      PreparedStatement ps = prepared.get(label);
      if (ps == null) {
        ps = connection.prepareStatement(LiveFleet.sql(label));
        prepared.put(label, ps);
      }
      switch (label) {
        case "note_ranking" -> ps.setInt(1, 3 + random.nextInt(3));
        case "revenue_report" -> {
          int lo = 1 + random.nextInt(LiveFleet.CUSTOMERS);
          int width = (int) Math.floor(Math.exp(random.nextDouble() * Math.log(1000)));
          ps.setInt(1, lo);
          ps.setInt(2, lo + width);
        }
        case "tier_overview" -> ps.setInt(1, random.nextInt(7));
        case "record_event" -> {
          ps.setInt(1, LiveFleet.zipfCustomer(random));
          ps.setInt(2, random.nextInt(5));
        }
        default -> ps.setInt(1, LiveFleet.zipfCustomer(random));
      }
      if (label.equals("record_event")) {
        ps.executeUpdate();
        return;
      }
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          // read every row, as an application would
        }
      }
    }
  }
}
