package dev.earlybird.history;

import static dev.earlybird.history.Fixtures.interval;
import static dev.earlybird.history.Fixtures.key;
import static dev.earlybird.history.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.StatementText;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@ParameterizedClass
@EnumSource(StoreKind.class)
class PinnedBaselineTest {
  @Parameter StoreKind kind;

  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  static final Instant NOW = T0.plus(Duration.ofHours(2));

  @TempDir Path dir;
  JdbcHistoryStore store;

  @BeforeEach
  void open() {
    store = kind.open(dir, () -> NOW);
    store.upsertDatabases("a", List.of(new DatabaseInfo("a", 1, "tenant_x")));
    store.saveTexts(List.of(new StatementText("a", 1, 100, "SELECT 1", false, "f100")));
    for (int m = 1; m <= 6; m++) {
      Instant s = T0.plus(Duration.ofMinutes(10L * (m - 1))), e = T0.plus(Duration.ofMinutes(10L * m));
      store.recordPoll(PollRecord.success(snapshot("a", e, Map.of()), List.of(
          interval(key("a", 1, 10, 100, true), s, e, 10, 20),
          interval(key("a", 1, 11, 100, true), s, e, 5, 5),
          interval(key("a", 1, 10, 200, true), s, e, 1, 100))));
      store.recordPoll(PollRecord.success(snapshot("b", e, Map.of()), List.of(
          interval(key("b", 7, 10, 100, true), s, e, 3, 3))));
    }
  }

  @AfterEach
  void close() {
    store.close();
  }

  private PinnedBaseline pin(String name, String target) {
    return store.pinBaseline(name, Optional.ofNullable(target), T0, T0.plus(Duration.ofHours(1)));
  }

  @Test
  void aPinCopiesTheWindowsSumsPerStatement() {
    PinnedBaseline b = pin("before-upgrade", null);
    assertThat(b).isEqualTo(new PinnedBaseline("before-upgrade", Optional.empty(), T0, T0.plus(Duration.ofHours(1)), NOW, 3));
    assertThat(store.baselines()).containsExactly(b);
    assertThat(store.baseline("before-upgrade")).contains(b);
    assertThat(store.baselineStatements("before-upgrade"))
        .usingRecursiveComparison()
        .isEqualTo(store.hotQueries(HotQueryFilter.between(T0, T0.plus(Duration.ofHours(1)))));
    HotQueryRow first = store.baselineStatements("before-upgrade").stream()
        .filter(r -> r.target().equals("a") && r.queryId() == 100).findFirst().orElseThrow();
    assertThat(first.query()).isEqualTo("SELECT 1");
    assertThat(first.database()).isEqualTo("tenant_x");
    assertThat(first.calls()).as("summed over users").isEqualTo(6 * 15);
  }

  @Test
  void aPinOfOneTargetHoldsOnlyThatTarget() {
    assertThat(pin("only-b", "b").statements()).isEqualTo(1);
    assertThat(store.baselineStatements("only-b")).extracting(HotQueryRow::target).containsExactly("b");
    assertThat(store.baseline("only-b").orElseThrow().target()).contains("b");
  }

  @Test
  void aPinOutlivesTheRetentionOfWhatItWasCopiedFrom() {
    pin("kept", null);
    List<HotQueryRow> copied = store.baselineStatements("kept");
    Instant muchLater = T0.plus(Duration.ofDays(10));
    store.maintain(muchLater, new Retention(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(2)));
    assertThat(store.hotQueries(HotQueryFilter.between(T0, T0.plus(Duration.ofHours(1))))).isEmpty();
    assertThat(store.baselineStatements("kept")).usingRecursiveComparison().isEqualTo(copied);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "..", "über", "a/b"})
  void badNamesAreRefusedWithWhatIsExpected(String name) {
    assertThatThrownBy(() -> pin(name, null))
        .isInstanceOfSatisfying(BaselineException.class, e -> assertThat(e.reason()).isEqualTo(BaselineException.Reason.INVALID))
        .hasMessageContaining("letters, digits");
    assertThat(store.baselines()).isEmpty();
  }

  @Test
  void aNameUpTo64CharactersIsFine() {
    assertThat(pin("a".repeat(64), null).name()).hasSize(64);
    assertThatThrownBy(() -> pin("a".repeat(65), null)).isInstanceOf(BaselineException.class);
  }

  @Test
  void windowsMustBeOverAndHoldSomething() {
    assertThatThrownBy(() -> store.pinBaseline("future", Optional.empty(), T0, NOW.plusSeconds(1)))
        .isInstanceOf(BaselineException.class).hasMessageContaining("must be in the past");
    assertThatThrownBy(() -> store.pinBaseline("empty", Optional.empty(), T0.minus(Duration.ofDays(1)), T0))
        .isInstanceOf(BaselineException.class).hasMessageContaining("nothing was recorded");
    assertThatThrownBy(() -> pin("nosuchtarget", "c"))
        .isInstanceOf(BaselineException.class).hasMessageContaining("for target 'c'");
    assertThatThrownBy(() -> store.pinBaseline("backwards", Optional.empty(), NOW, T0))
        .isInstanceOf(BaselineException.class).hasMessageContaining("before it starts");
    assertThat(store.baselines()).isEmpty();
  }

  @Test
  void namesAreUniqueAndDeleteRemovesEverything() {
    pin("x", null);
    assertThatThrownBy(() -> pin("x", "b"))
        .isInstanceOfSatisfying(BaselineException.class, e -> assertThat(e.reason()).isEqualTo(BaselineException.Reason.EXISTS));
    store.deleteBaseline("x");
    assertThat(store.baselines()).isEmpty();
    assertThat(store.baselineStatements("x")).isEmpty();
    assertThatThrownBy(() -> store.deleteBaseline("x"))
        .isInstanceOfSatisfying(BaselineException.class, e -> assertThat(e.reason()).isEqualTo(BaselineException.Reason.NOT_FOUND));
    assertThat(pin("x", "b").statements()).as("the name is free again").isEqualTo(1);
  }

  @Test
  void theWriterRunsPinsAndHandsBackTheResultOrTheRefusal() throws Exception {
    try (HistoryWriter writer = new HistoryWriter(store, 4)) {
      PinnedBaseline b = writer.call(s -> pin("via-writer", null)).get(10, TimeUnit.SECONDS);
      assertThat(b.statements()).isEqualTo(3);
      assertThatThrownBy(() -> writer.call(s -> pin("via-writer", null)).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(BaselineException.class);
    }
  }
}
