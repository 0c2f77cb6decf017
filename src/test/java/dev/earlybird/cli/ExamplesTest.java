package dev.earlybird.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The example configs the README points to must stay valid. */
class ExamplesTest {
  @ParameterizedTest
  @ValueSource(strings = {"examples/local.yml", "examples/rds-fleet.yml", "examples/docker.yml", "examples/postgres-store.yml"})
  void exampleLoads(String file) throws Exception {
    Path path = Path.of(file);
    Map<String, String> env = Map.of("EARLYBIRD_PG_PASSWORD", "example-secret");
    AgentConfig config = ConfigLoader.parse(Files.readString(path), file, path.getParent(), env::get);
    assertThat(config.targets()).isNotEmpty();
    assertThat(config.targets().getFirst().password().reveal()).isEqualTo("example-secret");
  }

  @org.junit.jupiter.api.Test
  void postgresStoreExampleTakesItsPasswordFromTheEnvironmentAndNeverPrintsIt() throws Exception {
    Path path = Path.of("examples/postgres-store.yml");
    Map<String, String> env = Map.of("EARLYBIRD_STORE_PASSWORD", "store-secret");
    AgentConfig config = ConfigLoader.parse(Files.readString(path), path.toString(), path.getParent(), env::get);
    var store = (dev.earlybird.config.StoreConfig.Postgres) config.store();
    assertThat(store.jdbcUrl()).contains("password=store-secret").startsWith("jdbc:postgresql://127.0.0.1:5432/earlybird?");
    assertThat(store.toString()).doesNotContain("store-secret").contains("password=***");
  }

  @org.junit.jupiter.api.Test
  void discoveryExampleLoads() throws Exception {
    Path path = Path.of("examples/rds-discovery.yml");
    AgentConfig config = ConfigLoader.parse(Files.readString(path), path.toString(), path.getParent(), k -> null);
    var discovery = config.discovery().orElseThrow();
    assertThat(discovery.regions()).containsExactly("us-east-1", "eu-west-1");
    assertThat(discovery.tags()).containsEntry("earlybird", "on");
    assertThat(discovery.template().iamAuth()).isTrue();
    assertThat(discovery.template().url("h", 5432)).contains("sslmode=verify-full");
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo"})
  void demoConfigLoads(String target) throws Exception {
    String yaml = DemoCommand.config("127.0.0.1:0", Path.of("/tmp/x.duckdb"), "jdbc:postgresql://127.0.0.1:5432/postgres", "10s");
    AgentConfig config = ConfigLoader.parse(yaml, "demo", Path.of("."), k -> null);
    assertThat(config.targets()).extracting(t -> t.name()).containsExactly(target);
    assertThat(config.tenants().tenantOf("tenant_acme")).isEqualTo("acme");
  }

  @org.junit.jupiter.api.Test
  void demoConfigWithAWebhookAndATokenLoadsWithBoth() throws Exception {
    String yaml = DemoCommand.config("127.0.0.1:0", Path.of("/tmp/x.duckdb"), "jdbc:postgresql://127.0.0.1:5432/postgres",
        "2s", java.time.Instant.parse("2026-12-07T06:00:00Z"), java.util.Optional.of("http://127.0.0.1:9/hook"),
        "a-demo-token-of-enough-length");
    AgentConfig config = ConfigLoader.parse(yaml, "demo", Path.of("."), k -> null);
    assertThat(config.alerts().receivers()).extracting(r -> r.name()).containsExactly("demo-webhook");
    assertThat(config.web().token()).isPresent();
    assertThat(config.advisor().interval()).isEqualTo(java.time.Duration.ofSeconds(6));
  }
}
