package dev.earlybird;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.model.Shard;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicasTest {
  @Test
  void aStatefulSetPodTakesItsShardFromItsName() {
    assertThat(Replicas.shard(Optional.empty(), 3, "earlybird-2")).isEqualTo(new Shard(2, 3));
    assertThat(Replicas.shard(Optional.empty(), 2, "earlybird-0")).isEqualTo(new Shard(0, 2));
    assertThat(Replicas.name("earlybird-2", new Shard(2, 3), false)).isEqualTo("earlybird-2");
  }

  @Test
  void theFlagWinsAndNamesTheShardOnAHostThatMayRunSeveral() {
    assertThat(Replicas.shard(Optional.of("1/2"), 2, "db-monitor")).isEqualTo(new Shard(1, 2));
    assertThat(Replicas.shard(Optional.of("1/2"), 1, "db-monitor")).isEqualTo(new Shard(1, 2));
    assertThat(Replicas.name("db-monitor", new Shard(1, 2), true)).isEqualTo("db-monitor (shard 1/2)");
    assertThat(Replicas.shard(Optional.empty(), 1, "anything")).isEqualTo(Shard.ALONE);
  }

  @Test
  void whatCannotBeAShardIsRefusedSayingHowToFixIt() {
    assertThatThrownBy(() -> Replicas.shard(Optional.empty(), 2, "monitoring-box"))
        .hasMessageContaining("shards: 2 needs this replica's number")
        .hasMessageContaining("\"monitoring-box\"").hasMessageContaining("--shard INDEX/2");
    assertThatThrownBy(() -> Replicas.shard(Optional.empty(), 2, "earlybird-2"))
        .hasMessageContaining("number 2").hasMessageContaining("numbers them 0 to 1");
    assertThatThrownBy(() -> Replicas.shard(Optional.of("0/3"), 2, "x"))
        .hasMessageContaining("--shard 0/3 is one of 3 replicas, but the config says shards: 2");
  }

  @Test
  void theHostNameComesFromTheEnvironmentFirst() {
    assertThat(Replicas.hostName(Map.of("HOSTNAME", "earlybird-1")::get)).isEqualTo("earlybird-1");
    assertThat(Replicas.hostName(name -> null)).isNotBlank();
  }
}
