package dev.earlybird.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.AwsService;
import dev.earlybird.config.DatabaseFilter;
import dev.earlybird.config.DiscoveryConfig;
import dev.earlybird.config.Secret;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.config.TargetTemplate;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Instances to target configs through the template, and which instance wins a name. */
class DiscoveredTargetsTest {
  private static final URI FAKE = URI.create("http://127.0.0.1:4566");
  private static final URI STS = URI.create("http://127.0.0.1:4567");

  private static DiscoveryConfig config(String name, boolean iamAuth, String params) {
    return new DiscoveryConfig(List.of("us-east-1", "eu-west-1"), Optional.of(FAKE), Map.of(AwsService.STS, STS),
        Map.of(), DiscoveryConfig.ENGINES, Duration.ofMinutes(5), new TargetTemplate(name, "app", "earlybird",
            iamAuth ? null : new Secret("pw"), iamAuth, params, DatabaseFilter.of(List.of("^tenant_"), List.of())));
  }

  private static RdsInstance instance(String id, String region, String cluster) {
    return new RdsInstance(id, "db-" + id.toUpperCase().replace("-", ""), id + ".abc." + region + ".rds.amazonaws.com",
        5432, Optional.ofNullable(cluster), region, cluster == null ? "postgres" : "aurora-postgresql", "available");
  }

  @Test
  void templateFillsNameUrlCredentialsAndTheAwsLink() {
    var plan = DiscoveredTargets.plan(config("{cluster}-{identifier}-{region}", true, "sslmode=verify-full"),
        List.of(List.of(instance("writer-1", "us-east-1", "orders"))), Set.of());
    assertThat(plan.notes()).isEmpty();
    TargetConfig t = plan.targets().get("orders-writer-1-us-east-1");
    assertThat(t.url()).isEqualTo(
        "jdbc:postgresql://writer-1.abc.us-east-1.rds.amazonaws.com:5432/app?sslmode=verify-full");
    assertThat(t.user()).isEqualTo("earlybird");
    assertThat(t.password()).isNull();
    assertThat(t.databases().accepts("tenant_a")).isTrue();
    assertThat(t.databases().accepts("postgres")).isFalse();
    assertThat(t.aws()).contains(new AwsConfig("us-east-1", Optional.of("db-WRITER1"), Optional.of("writer-1"),
        Optional.of(FAKE), Optional.of("orders"), Map.of(AwsService.STS, STS), true));
  }

  @Test
  void theInstanceClassGivesTheTargetItsVcpus() {
    RdsInstance large = instance("pg-1", "us-east-1", null);
    RdsInstance big = new RdsInstance("pg-2", "db-PG2", "pg-2.abc.rds.amazonaws.com", 5432, Optional.empty(),
        "us-east-1", "postgres", "available", true, Optional.of("db.r6g.2xlarge"));
    RdsInstance serverless = new RdsInstance("pg-3", "db-PG3", "pg-3.abc.rds.amazonaws.com", 5432, Optional.empty(),
        "us-east-1", "postgres", "available", true, Optional.of("db.serverless"));
    var plan = DiscoveredTargets.plan(config("{identifier}", false, ""), List.of(List.of(large, big, serverless)),
        Set.of());
    assertThat(plan.targets().get("pg-2").vcpus()).hasValue(8);
    assertThat(plan.targets().get("pg-1").vcpus()).isEmpty();
    assertThat(plan.targets().get("pg-3").vcpus()).isEmpty();
  }

  @Test
  void passwordTemplatesKeepThePasswordAndNoIamAuth() {
    var plan = DiscoveredTargets.plan(config("{identifier}", false, ""),
        List.of(List.of(instance("pg-1", "us-east-1", null))), Set.of());
    TargetConfig t = plan.targets().get("pg-1");
    assertThat(t.password().reveal()).isEqualTo("pw");
    assertThat(t.url()).isEqualTo("jdbc:postgresql://pg-1.abc.us-east-1.rds.amazonaws.com:5432/app");
    assertThat(t.aws().orElseThrow().iamAuth()).isFalse();
    assertThat(t.aws().orElseThrow().dbClusterIdentifier()).isEmpty();
  }

  @Test
  void staticTargetsWinAndNameClashesKeepTheFirstRegion() {
    var plan = DiscoveredTargets.plan(config("{identifier}", true, ""), List.of(
            List.of(instance("shared", "us-east-1", null), instance("configured", "us-east-1", null)),
            List.of(instance("shared", "eu-west-1", null), instance("only-eu", "eu-west-1", null))),
        Set.of("configured"));
    assertThat(plan.targets()).containsOnlyKeys("shared", "only-eu");
    assertThat(plan.targets().get("shared").aws().orElseThrow().region()).isEqualTo("us-east-1");
    assertThat(plan.notes()).containsExactly(
        "instance configured in us-east-1 is the target \"configured\" under targets:, whose settings are used "
            + "(the static target wins)",
        "instance shared in eu-west-1 is left out: its target name \"shared\" is taken by shared in us-east-1; "
            + "put {region} in discovery.template.name");
  }

  @Test
  void aNameTooLongForALabelIsLeftOutWithANote() {
    String longId = "a".repeat(60);
    var plan = DiscoveredTargets.plan(config("rds-{identifier}", true, ""),
        List.of(List.of(instance(longId, "us-east-1", null), instance("ok", "us-east-1", null))), Set.of());
    assertThat(plan.targets()).containsOnlyKeys("rds-ok");
    assertThat(plan.notes()).singleElement().asString().contains("not a valid target name", "shorten the template");
    var outsideCluster = DiscoveredTargets.plan(config("{cluster}-{identifier}", true, ""),
        List.of(List.of(instance("pg-1", "us-east-1", null), instance("w-1", "us-east-1", "orders"))), Set.of());
    assertThat(outsideCluster.targets()).containsOnlyKeys("orders-w-1");
    assertThat(outsideCluster.notes()).singleElement().asString().contains("\"-pg-1\"", "leave out {cluster}");
  }
}
