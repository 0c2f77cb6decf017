package dev.earlybird.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.alert.AlertPolicy;
import dev.earlybird.alert.AlertText;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.AlertsConfig;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.TenantSettings;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.Alerting;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.StoredReview;
import dev.earlybird.history.TargetRecord;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.AlertMetrics;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Severity;
import java.net.URI;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The morning reviews on a simulated clock against a real store: the right local times in five zones across a
 * weekend and a holiday, a review missed while the agent was down runs once (late) after a restart and never twice,
 * and 700 tenants are served by the loop's one thread.
 */
class ReviewLoopTest {
  static final Duration LEAD = Duration.ofMinutes(90);
  static final Map<String, String> ZONES = Map.of("ny", "America/New_York", "london", "Europe/London",
      "sydney", "Australia/Sydney", "kolkata", "Asia/Kolkata", "kathmandu", "Asia/Kathmandu");
  static final LocalDate HOLIDAY = LocalDate.parse("2026-12-25");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  JdbcHistoryStore store;
  Alerting alerting;
  SimulatedClock clock;

  @BeforeEach
  void open() {
    // Monday 21 December 2026, 00:00 UTC: Sydney is on summer time, London and New York on winter time.
    clock = new SimulatedClock(Instant.parse("2026-12-21T00:00:00Z"));
    store = DuckDbHistoryStore.open(dir.resolve("r.duckdb"), clock);
    alerting = store.alerting();
  }

  @AfterEach
  void close() {
    store.close();
  }

  TenantsConfig tenants() {
    Map<String, TenantSettings> overrides = new java.util.HashMap<>();
    ZONES.forEach((t, z) -> overrides.put(t, new TenantSettings(ZoneId.of(z), LocalTime.of(7, 0),
        EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), new TreeSet<>(List.of(HOLIDAY)))));
    return new TenantsConfig(Pattern.compile(TenantsConfig.DEFAULT_PATTERN), TenantSettings.DEFAULT, overrides);
  }

  void databases(List<String> tenants) {
    store.upsertTarget(new TargetRecord("pg1", true, Optional.empty(), "17.2", 0, Optional.empty()));
    List<DatabaseInfo> dbs = new ArrayList<>();
    for (int i = 0; i < tenants.size(); i++) {
      dbs.add(new DatabaseInfo("pg1", 16_384 + i, "tenant_" + tenants.get(i)));
    }
    store.upsertDatabases("pg1", dbs);
  }

  ReviewLoop loop(TenantsConfig tenants) {
    AlertsConfig alerts = new AlertsConfig(LEAD, Severity.WARNING, List.of(), List.of());
    AlertText text = new AlertText(URI.create("http://eb.example.com"));
    AlertPolicy policy = new AlertPolicy(alerts, text, alerting.alerts(), alerting.silences(), clock);
    MorningReview review = new MorningReview(store, alerting.reviews(), new HotList(store, tenants,
        BaselineConfig.defaults()), tenants, policy, text, (t, start) -> Optional.empty(), clock);
    return new ReviewLoop(store, alerting.reviews(), review, tenants, alerts,
        new AlertMetrics(new AgentMetrics("test"), clock::instant), clock);
  }

  List<StoredReview> reviews() {
    return alerting.reviews().reviews(Optional.empty(), Optional.empty(), Optional.empty(), 100_000);
  }

  /** Moves the clock from one due review to the next until {@code until}, running what is due at each. */
  void runUntil(ReviewLoop loop, Instant until) {
    loop.runDue();
    while (clock.instant().isBefore(until)) {
      Instant next = loop.nextReview().filter(at -> !at.isAfter(until)).orElse(until);
      clock.set(next.isAfter(clock.instant()) ? next : clock.instant().plusSeconds(1));
      loop.runDue();
    }
  }

  @Test
  void eachTenantIsReviewedAtItsOwnLocalTimeOnWorkdaysThatAreNotHolidays() throws Exception {
    databases(List.copyOf(ZONES.keySet()));
    ReviewLoop loop = loop(tenants());
    runUntil(loop, Instant.parse("2026-12-28T00:00:00Z")); // Monday 21 to Sunday 27 December

    for (var zone : ZONES.entrySet()) {
      List<StoredReview> mine = reviews().stream().filter(r -> r.tenant().equals(zone.getKey())).toList();
      // The tenant's local workdays of that week between the start and the end, minus Friday 25 December.
      List<LocalDate> expected = new ArrayList<>();
      // A tenant first seen at a review's very time owes that one no more than one seen after it.
      for (LocalDate d = LocalDate.parse("2026-12-20"); !d.isAfter(LocalDate.parse("2026-12-28")); d = d.plusDays(1)) {
        Instant at = d.atTime(7, 0).atZone(ZoneId.of(zone.getValue())).toInstant().minus(LEAD);
        boolean workday = d.getDayOfWeek().getValue() <= 5 && !d.equals(HOLIDAY);
        if (workday && at.isAfter(Instant.parse("2026-12-21T00:00:00Z"))
            && !at.isAfter(Instant.parse("2026-12-28T00:00:00Z"))) {
          expected.add(d);
        }
      }
      assertThat(mine).as(zone.getKey()).extracting(StoredReview::workday)
          .containsExactlyInAnyOrderElementsOf(expected);
      for (StoredReview r : mine) {
        Instant due = r.workday().atTime(7, 0).atZone(ZoneId.of(zone.getValue())).toInstant().minus(LEAD);
        assertThat(r.scheduledFor()).as("%s %s", zone.getKey(), r.workday()).isEqualTo(due);
        assertThat(r.ranAt()).isEqualTo(due);
        assertThat(r.late()).isFalse();
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("tenant").asText()).isEqualTo(zone.getKey());
        assertThat(body.get("workday").asText()).isEqualTo(r.workday().toString());
        assertThat(body.get("targets")).extracting(JsonNode::asText).containsExactly("pg1");
        assertThat(body.has("hot") && body.has("findings") && body.has("changes") && body.has("forecast")).isTrue();
      }
    }
    // Kathmandu (+5:45) reviews Monday 22 at 07:00 local minus 90 minutes = 23:45 UTC the day before.
    assertThat(reviews()).anySatisfy(r -> {
      assertThat(r.tenant()).isEqualTo("kathmandu");
      assertThat(r.scheduledFor()).isEqualTo(Instant.parse("2026-12-21T23:45:00Z"));
    });
  }

  @Test
  void aReviewMissedWhileTheAgentWasDownRunsOnceLateAfterTheRestart() {
    databases(List.of("london"));
    TenantsConfig tenants = tenants();
    ReviewLoop first = loop(tenants);
    // London's Monday review is at 05:30 UTC; the agent runs until 05:00, then is down until 08:00.
    runUntil(first, Instant.parse("2026-12-21T05:00:00Z"));
    assertThat(reviews()).isEmpty();
    clock.set(Instant.parse("2026-12-21T08:00:00Z"));
    ReviewLoop restarted = loop(tenants);
    assertThat(restarted.runDue()).isEqualTo(1);
    assertThat(reviews()).singleElement().satisfies(r -> {
      assertThat(r.workday()).isEqualTo(LocalDate.parse("2026-12-21"));
      assertThat(r.late()).isTrue();
      assertThat(r.ranAt()).isEqualTo(Instant.parse("2026-12-21T08:00:00Z"));
    });
    // Restarted again (a crash loop, say): the done review does not run a second time.
    ReviewLoop again = loop(tenants);
    runUntil(again, Instant.parse("2026-12-21T12:00:00Z"));
    assertThat(reviews()).hasSize(1);
    // And Tuesday's runs on time.
    runUntil(again, Instant.parse("2026-12-22T06:00:00Z"));
    assertThat(reviews()).extracting(StoredReview::late).containsExactly(false, true);
  }

  @Test
  void aTenantFirstSeenAfterItsReviewTimeOwesNoReviewForThatDay() {
    clock.set(Instant.parse("2026-12-21T09:00:00Z"));
    databases(List.of("london"));
    ReviewLoop loop = loop(tenants());
    runUntil(loop, Instant.parse("2026-12-21T23:00:00Z"));
    assertThat(reviews()).isEmpty();
    runUntil(loop, Instant.parse("2026-12-22T06:00:00Z"));
    assertThat(reviews()).extracting(StoredReview::workday).containsExactly(LocalDate.parse("2026-12-22"));
  }

  @Test
  void sevenHundredTenantsAreServedByOneThread() {
    // 700 tenants in UTC whose workdays start at 07:00, 07:01, ... 07:13: 50 reviews a minute.
    List<String> names = new ArrayList<>();
    Map<String, TenantSettings> overrides = new java.util.HashMap<>();
    for (int i = 0; i < 700; i++) {
      names.add("t" + i);
      overrides.put("t" + i, new TenantSettings(ZoneId.of("UTC"), LocalTime.of(7, i % 14),
          EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), new TreeSet<>()));
    }
    databases(names);
    ReviewLoop loop = loop(new TenantsConfig(Pattern.compile(TenantsConfig.DEFAULT_PATTERN), TenantSettings.DEFAULT,
        overrides));
    loop.start();
    try {
      await("the loop knows the tenants").atMost(Duration.ofSeconds(30)).until(() -> loop.tenants() == 700);
      assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().equals("reviews")).hasSize(1);
      assertThat(loop.nextReview()).contains(Instant.parse("2026-12-21T05:30:00Z"));
      clock.set(Instant.parse("2026-12-21T05:30:00Z"));
      await("the first minute's 50 reviews ran").atMost(Duration.ofSeconds(60)).until(() -> reviews().size() == 50);
      assertThat(reviews()).allSatisfy(r -> {
        assertThat(r.late()).isFalse();
        assertThat(r.scheduledFor()).isEqualTo(Instant.parse("2026-12-21T05:30:00Z"));
      });
      await("the next review is the next minute's").atMost(Duration.ofSeconds(10))
          .until(() -> loop.nextReview().equals(Optional.of(Instant.parse("2026-12-21T05:31:00Z"))));
    } finally {
      assertThat(loop.stop(Duration.ofSeconds(10)).inTime()).isTrue();
    }
  }
}
