package dev.earlybird.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShardsConfigTest {
  @Test
  void replicasOfAPostgresStoreShareItsShardCount() throws ConfigException {
    AgentConfig c = TestConfigs.parse("""
        store: "jdbc:postgresql://db:5432/earlybird"
        shards: 3
        """);
    assertThat(c.store()).isEqualTo(new StoreConfig.Postgres("jdbc:postgresql://db:5432/earlybird", 3));
    assertThat(TestConfigs.parse("store: \"jdbc:postgresql://db:5432/earlybird\"\n").store())
        .isEqualTo(new StoreConfig.Postgres("jdbc:postgresql://db:5432/earlybird", 1));
  }

  @Test
  void severalReplicasOnAnEmbeddedFileAreRefusedNamingTheKey() {
    assertThat(TestConfigs.problems("store: \"duckdb:./data/eb.duckdb\"\nshards: 2\n"))
        .containsExactly("test.yml:2: shards: several replicas need a shared store, but the store is "
            + "duckdb:./data/eb.duckdb; expected `store: jdbc:postgresql://host:5432/earlybird` (an embedded DuckDB "
            + "file has one writer), or remove `shards`");
  }

  @Test
  void oneShardIsALoneAgentOnAnyStore() throws ConfigException {
    assertThat(TestConfigs.parse("shards: 1\n").store()).isEqualTo(StoreConfig.DEFAULT);
  }

  @Test
  void aShardCountOutOfRangeIsRefused() {
    assertThat(TestConfigs.problems("store: \"jdbc:postgresql://db/eb\"\nshards: 0\n"))
        .singleElement().asString().startsWith("test.yml:2: shards:").contains("1").contains("1024");
  }
}
