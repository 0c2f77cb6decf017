package dev.earlybird.schedule;

import dev.earlybird.config.AlertsConfig;
import dev.earlybird.config.Durations;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.StatementReads;
import dev.earlybird.history.ReviewStore;
import dev.earlybird.history.StoredReview;
import dev.earlybird.history.TargetRecord;
import dev.earlybird.metrics.AlertMetrics;
import dev.earlybird.model.DatabaseInfo;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every tenant's morning review from one timer queue on one thread: 700 tenants are 700 queue entries. Tenants
 * are the owners of the databases the store knows, looked at again every {@link #TENANTS_EVERY} so that new
 * databases get reviews. What each tenant was reviewed through is read from the store at start, so a review
 * missed while the agent was down runs once, late, and one already done never runs again. A review that fails
 * (the store is full, say) is tried again at the next tenant refresh; it is late by then and says so.
 */
public final class ReviewLoop implements Loop {
  private static final Logger log = LoggerFactory.getLogger(ReviewLoop.class);
  static final Duration TENANTS_EVERY = Duration.ofMinutes(1);
  /** The longest the loop sleeps: it notices a stop, and a clock that jumps, within this. */
  private static final Duration MAX_SLEEP = Duration.ofMillis(500);

  private final StatementReads store;
  private final ReviewStore reviews;
  private final MorningReview review;
  private final TenantsConfig tenants;
  private final AlertsConfig alerts;
  private final AlertMetrics metrics;
  private final InstantSource clock;
  /** Whether this agent runs the reviews now: replicas sharing a store leave them to the one holding shard 0. */
  private final BooleanSupplier leads;
  private final ReviewQueue queue;
  private final Set<String> known = new HashSet<>();
  /** Per tenant, the targets holding its databases, as of the last refresh. */
  private Map<String, List<String>> targetsOf = Map.of();
  private Instant nextRefresh = Instant.MIN;
  /** How often a replica that does not run the reviews looks whether it does now. */
  private static final Duration STANDBY_CHECK = Duration.ofSeconds(5);
  private volatile boolean running;
  private Thread thread;

  public ReviewLoop(
      StatementReads store,
      ReviewStore reviews,
      MorningReview review,
      TenantsConfig tenants,
      AlertsConfig alerts,
      AlertMetrics metrics,
      InstantSource clock) {
    this(store, reviews, review, tenants, alerts, metrics, clock, () -> true);
  }

  /** @param leads whether this agent runs the reviews now (it holds shard 0); read at each round */
  public ReviewLoop(
      StatementReads store,
      ReviewStore reviews,
      MorningReview review,
      TenantsConfig tenants,
      AlertsConfig alerts,
      AlertMetrics metrics,
      InstantSource clock,
      BooleanSupplier leads) {
    this.leads = leads;
    this.store = store;
    this.reviews = reviews;
    this.review = review;
    this.tenants = tenants;
    this.alerts = alerts;
    this.metrics = metrics;
    this.clock = clock;
    this.queue = new ReviewQueue(clock);
  }

  /** The next {@code limit} reviews: tenant and when, in the order they run (see {@link ReviewQueue#upcoming}). */
  public List<Map.Entry<String, Instant>> upcoming(int limit) {
    return queue.upcoming(limit);
  }

  @Override
  public String name() {
    return "morning reviews";
  }

  @Override
  public void start() {
    running = true;
    // A platform thread: the store's reads are native calls that would pin a virtual thread's carrier.
    thread = Thread.ofPlatform().daemon().name("reviews").start(this::loop);
  }

  private void loop() {
    while (running) {
      runDue();
      Instant now = clock.instant();
      Instant wake = queue.nextWakeUp().filter(w -> w.isBefore(nextRefresh)).orElse(nextRefresh);
      Duration sleep = Duration.between(now, wake);
      if (sleep.isPositive()) {
        LockSupport.parkNanos((sleep.compareTo(MAX_SLEEP) < 0 ? sleep : MAX_SLEEP).toNanos());
      }
    }
  }

  /** Refreshes the tenants when it is time, then runs the reviews due now; returns how many ran. */
  int runDue() {
    if (!leads.getAsBoolean()) {
      // Another replica runs them meanwhile: when this one leads again, it starts from what the store says is done.
      known.forEach(queue::remove);
      known.clear();
      nextRefresh = clock.instant().plus(STANDBY_CHECK); // read the tenants afresh once leading again
      return 0;
    }
    try {
      Instant now = clock.instant();
      if (!now.isBefore(nextRefresh)) {
        refreshTenants(now);
        nextRefresh = now.plus(TENANTS_EVERY);
      }
      int ran = 0;
      for (DueReview due : queue.due()) {
        if (!running && thread != null) {
          break;
        }
        ran += runOne(due) ? 1 : 0;
      }
      return ran;
    } catch (RuntimeException e) {
      log.error("morning reviews: {}; trying again in {}", e.getMessage(), Durations.format(TENANTS_EVERY), e);
      nextRefresh = clock.instant().plus(TENANTS_EVERY);
      return 0;
    }
  }

  private boolean runOne(DueReview due) {
    long started = System.nanoTime();
    try {
      StoredReview r = review.run(due, targetsOf.getOrDefault(due.tenant(), List.of()));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      metrics.reviewRan(due.late(), took);
      log.info("morning review of tenant {} for {} {}(scheduled {}, took {})", due.tenant(), due.workday(),
          due.late() ? "ran late " : "", due.scheduledFor(), Durations.format(took));
      return r != null;
    } catch (RuntimeException e) {
      // Not marked done: the next refresh puts the tenant back with what the store says, and it runs again.
      log.error("morning review of tenant {} for {} failed; trying again within {}: {}", due.tenant(), due.workday(),
          Durations.format(TENANTS_EVERY), e.getMessage());
      known.remove(due.tenant());
      queue.remove(due.tenant()); // the queue counts it as handed out; the store is what counts
      return false;
    }
  }

  /** Queues the tenants of the databases the store knows; a tenant seen for the first time owes no past review. */
  private void refreshTenants(Instant now) {
    Map<String, Set<String>> byTenant = new TreeMap<>();
    for (TargetRecord t : store.targets()) {
      for (DatabaseInfo d : store.databases(t.name())) {
        byTenant.computeIfAbsent(tenants.tenantOf(d.name()), k -> new LinkedHashSet<>()).add(t.name());
      }
    }
    Map<String, List<String>> targets = new HashMap<>();
    byTenant.forEach((tenant, on) -> targets.put(tenant, List.copyOf(on)));
    targetsOf = targets;
    Set<String> current = byTenant.keySet();
    Map<String, LocalDate> through = reviews.reviewedThrough();
    for (String tenant : current) {
      if (known.contains(tenant)) {
        continue;
      }
      ReviewCalendar calendar = new ReviewCalendar(tenants.settingsFor(tenant), alerts.leadTime());
      LocalDate done = through.get(tenant);
      if (done == null) {
        done = calendar.startingAt(now);
        reviews.firstSeen(tenant, done);
      }
      queue.put(tenant, calendar, done);
      known.add(tenant);
    }
    for (String gone : Set.copyOf(known)) {
      if (!current.contains(gone)) {
        queue.remove(gone);
        known.remove(gone);
      }
    }
  }

  /** Tenants with a place in the queue. */
  public int tenants() {
    return queue.tenants();
  }

  /** When the next review is due, if any. */
  public Optional<Instant> nextReview() {
    return queue.nextWakeUp();
  }

  @Override
  public Stopped stop(Duration deadline) {
    running = false;
    return Stopped.joining(thread, deadline);
  }
}
