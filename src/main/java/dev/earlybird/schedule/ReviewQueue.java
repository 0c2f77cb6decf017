package dev.earlybird.schedule;

import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One timer queue for the morning reviews of all tenants: 700 tenants are 700 entries in one ordered set (a
 * priority queue that can also drop a tenant's entry in log time), not 700 threads or timers. It owns no thread; whoever runs reviews sleeps until {@link #nextWakeUp}, takes
 * {@link #due} and runs what it gets. Each tenant has at most one entry: the review it owes now, else its next.
 *
 * <p>What was reviewed is an input ({@code reviewedThrough}, the workday of the last completed review, which
 * the store persists); the queue remembers what it handed out, so a review is never handed out twice by one
 * process, and a restart that reads the store back neither repeats one nor loses one missed while down.
 * Synchronized, since configuration reloads change tenants from another thread.
 */
public final class ReviewQueue {
  private record Entry(Instant at, String tenant) {}

  private record Tenant(ReviewCalendar calendar, LocalDate reviewedThrough, Entry pending) {}

  private static final Comparator<Entry> ORDER = Comparator.comparing(Entry::at).thenComparing(Entry::tenant);

  private final InstantSource clock;
  private final TreeSet<Entry> queue = new TreeSet<>(ORDER);
  private final Map<String, Tenant> tenants = new HashMap<>();

  public ReviewQueue(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Adds a tenant or replaces its calendar (after a config change). A review due now, e.g. one missed while
   * the agent was down, is queued at its own time, so it is handed out at once, marked late.
   *
   * @param reviewedThrough the workday of the tenant's last completed review; for a tenant never reviewed, the
   *     stored {@link ReviewCalendar#startingAt} of when it was first seen
   */
  public synchronized void put(String tenant, ReviewCalendar calendar, LocalDate reviewedThrough) {
    Objects.requireNonNull(calendar, "calendar");
    Tenant known = tenants.get(tenant);
    // The store may lag what this process already handed out; never go back behind it.
    LocalDate through = known != null && known.reviewedThrough().isAfter(reviewedThrough)
        ? known.reviewedThrough() : reviewedThrough;
    schedule(tenant, calendar, through, clock.instant());
  }

  /** A tenant whose databases are gone: no more reviews. */
  public synchronized void remove(String tenant) {
    Tenant gone = tenants.remove(tenant);
    if (gone != null && gone.pending() != null) {
      queue.remove(gone.pending());
    }
  }

  /** When the earliest review is due; in the past when one is due now; empty with no reviews at all. */
  public synchronized Optional<Instant> nextWakeUp() {
    return queue.isEmpty() ? Optional.empty() : Optional.of(queue.first().at());
  }

  /**
   * The reviews due now, in the order of their times, at most one per tenant; each tenant's next review is
   * queued before this returns, so a review that fails is not retried by the queue (rerun it by putting the
   * tenant back with the last workday that did complete).
   */
  public synchronized List<DueReview> due() {
    Instant now = clock.instant();
    List<DueReview> due = new ArrayList<>();
    while (!queue.isEmpty() && !queue.first().at().isAfter(now)) {
      String name = queue.first().tenant();
      Tenant t = tenants.get(name);
      LocalDate through = t.reviewedThrough();
      // Asked again at now, not trusted from the entry: after a long stall only the latest review runs.
      Optional<Review> review = t.calendar().due(now, through);
      if (review.isPresent()) {
        Review r = review.get();
        due.add(new DueReview(name, r.workday(), r.scheduledFor(), ReviewCalendar.isLate(r, now)));
        through = r.workday();
      }
      schedule(name, t.calendar(), through, now);
    }
    return due;
  }

  /**
   * The next {@code limit} reviews in the order they run, a review due now first: for the fleet page.
   *
   * @return per review, its tenant and when it runs
   */
  public synchronized List<Map.Entry<String, Instant>> upcoming(int limit) {
    return queue.stream().limit(Math.max(0, limit)).map(e -> Map.entry(e.tenant(), e.at())).toList();
  }

  /** Tenants known, with or without a review ahead. */
  public synchronized int tenants() {
    return tenants.size();
  }

  private void schedule(String tenant, ReviewCalendar calendar, LocalDate through, Instant now) {
    Tenant old = tenants.get(tenant);
    if (old != null && old.pending() != null) {
      queue.remove(old.pending());
    }
    Entry entry = calendar.due(now, through).or(() -> calendar.next(now))
        .map(r -> new Entry(r.scheduledFor(), tenant)).orElse(null);
    if (entry != null) {
      queue.add(entry);
    }
    tenants.put(tenant, new Tenant(calendar, through, entry));
  }
}
