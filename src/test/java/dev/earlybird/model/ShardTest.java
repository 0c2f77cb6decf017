package dev.earlybird.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardTest {
  private static final List<String> FLEET =
      IntStream.range(0, 700).mapToObj(i -> "tenant-db-" + i + ".cluster-" + (i % 30) + ".rds.amazonaws.com").toList();

  @Test
  void everyTargetIsInExactlyOneShardAndTheShardsAreEven() {
    int n = 4;
    Map<Integer, Integer> sizes = new HashMap<>();
    for (String t : FLEET) {
      long holders = IntStream.range(0, n).filter(i -> new Shard(i, n).holds(t)).count();
      assertThat(holders).as(t).isEqualTo(1);
      sizes.merge(Shard.of(t, n), 1, Integer::sum);
    }
    // 175 each on average; a fair hash stays well within +-25% at this size.
    assertThat(sizes.values()).hasSize(n).allSatisfy(s -> assertThat(s).isBetween(131, 219));
  }

  @Test
  void addingAShardMovesOnlyTheTargetsThatGoToIt() {
    for (int n = 1; n <= 5; n++) {
      int moved = 0;
      for (String t : FLEET) {
        int before = Shard.of(t, n);
        int after = Shard.of(t, n + 1);
        if (before != after) {
          assertThat(after).as("a moved target goes to the new shard").isEqualTo(n);
          moved++;
        }
      }
      double expected = FLEET.size() / (double) (n + 1);
      assertThat((double) moved).as("targets moved going from %d to %d shards", n, n + 1)
          .isBetween(expected * 0.7, expected * 1.3);
    }
  }

  @Test
  void theAssignmentDependsOnTheNameAlone() {
    assertThat(Shard.of("orders-eu", 3)).isEqualTo(Shard.of("orders-eu", 3));
    assertThat(Shard.of("anything", 1)).isZero();
    assertThat(Shard.ALONE.holds("anything")).isTrue();
  }

  @Test
  void parsesIndexSlashCountAndRefusesWhatIsNotAShard() {
    assertThat(Shard.parse(" 1/3 ")).isEqualTo(new Shard(1, 3));
    assertThat(Shard.parse("0/2")).hasToString("0/2");
    assertThatThrownBy(() -> Shard.parse("2/2")).hasMessageContaining("shard 2 does not exist among 2")
        .hasMessageContaining("0 to 1");
    assertThatThrownBy(() -> Shard.parse("1")).hasMessageContaining("expected INDEX/COUNT like 0/2");
    assertThatThrownBy(() -> Shard.parse("a/b")).hasMessageContaining("expected INDEX/COUNT");
    assertThatThrownBy(() -> Shard.parse("0/0")).hasMessageContaining("must be 1 to 1024");
  }
}
