package dev.earlybird.testing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.config.AwsSettings;
import dev.earlybird.source.aws.AwsClients;
import dev.earlybird.testing.aws.FakeRds.Failure;
import dev.earlybird.testing.aws.FakeRds.Instance;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The fake's requests and answers are what the real SDK client (rds 2.54.13) sends and parses: if an element name
 * were wrong, the SDK would silently leave the field null, so every field discovery reads is checked here.
 */
class FakeRdsTest {
  private final FakeRds fake = FakeRds.start();
  private final AwsClients clients = new AwsClients(AwsSettings.DEFAULT,
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")), AwsRetryStrategy.doNotRetry());
  private final RdsClient rds = clients.rds("eu-west-1", Optional.of(fake.endpoint()), Optional.empty());

  @AfterEach
  void stop() {
    clients.close();
    fake.close();
  }

  @Test
  void instancesParseIntoEveryFieldDiscoveryReads() {
    fake.instances(Instance.postgres("aurora-1", "aurora-1.abc.eu-west-1.rds.amazonaws.com", 5433)
        .inCluster("cluster-a").tag("earlybird", "on").tag("team", "a&b"));
    var response = rds.describeDBInstances(r -> r.filters(Filter.builder().name("engine").values("postgres",
        "aurora-postgresql").build()));
    DBInstance i = response.dbInstances().getFirst();
    assertThat(i.dbInstanceIdentifier()).isEqualTo("aurora-1");
    assertThat(i.dbiResourceId()).isEqualTo("db-AURORA1RESID");
    assertThat(i.endpoint().address()).isEqualTo("aurora-1.abc.eu-west-1.rds.amazonaws.com");
    assertThat(i.endpoint().port()).isEqualTo(5433);
    assertThat(i.dbClusterIdentifier()).isEqualTo("cluster-a");
    assertThat(i.engine()).isEqualTo("aurora-postgresql");
    assertThat(i.dbInstanceStatus()).isEqualTo("available");
    assertThat(i.tagList()).containsExactly(Tag.builder().key("earlybird").value("on").build(),
        Tag.builder().key("team").value("a&b").build());
    assertThat(response.marker()).isNull();

    FakeRds.Request sent = fake.requests().getFirst();
    assertThat(sent.region()).isEqualTo("eu-west-1");
    assertThat(sent.form()).containsEntry("Action", "DescribeDBInstances").containsEntry("Version", "2014-10-31")
        .containsEntry("Filters.Filter.1.Name", "engine")
        .containsEntry("Filters.Filter.1.Values.Value.1", "postgres")
        .containsEntry("Filters.Filter.1.Values.Value.2", "aurora-postgresql");
  }

  @Test
  void anInstanceBeingCreatedHasNoEndpoint() {
    fake.instances(Instance.postgres("new-1", "h", 5432).noEndpoint().status("creating"));
    DBInstance i = rds.describeDBInstances().dbInstances().getFirst();
    assertThat(i.endpoint()).isNull();
    assertThat(i.dbInstanceStatus()).isEqualTo("creating");
  }

  @Test
  void markersPageThroughTheList() {
    fake.pageSize(2).instances(Instance.postgres("a", "h", 1), Instance.postgres("b", "h", 2),
        Instance.postgres("c", "h", 3));
    var first = rds.describeDBInstances();
    assertThat(first.dbInstances()).hasSize(2);
    assertThat(first.marker()).isEqualTo("offset-2");
    var second = rds.describeDBInstances(r -> r.marker(first.marker()));
    assertThat(second.dbInstances()).extracting(DBInstance::dbInstanceIdentifier).containsExactly("c");
    assertThat(second.marker()).isNull();
    assertThat(rds.describeDBInstancesPaginator(r -> {}).dbInstances()).hasSize(3);
  }

  @Test
  void clustersCarryTheirTagsAndMembers() {
    fake.instances(Instance.postgres("aurora-1", "h", 5432).inCluster("cluster-a"))
        .clusters(new FakeRds.Cluster("cluster-a", "aurora-postgresql", Map.of("earlybird", "on")));
    DBCluster c = rds.describeDBClusters().dbClusters().getFirst();
    assertThat(c.dbClusterIdentifier()).isEqualTo("cluster-a");
    assertThat(c.engine()).isEqualTo("aurora-postgresql");
    assertThat(c.tagList()).containsExactly(Tag.builder().key("earlybird").value("on").build());
    assertThat(c.dbClusterMembers()).singleElement().satisfies(m ->
        assertThat(m.dbInstanceIdentifier()).isEqualTo("aurora-1"));
  }

  @Test
  void errorsAreTheSdksThrottlingAndAccessDenied() {
    fake.failNext("DescribeDBInstances", 1, Failure.throttled());
    assertThatThrownBy(() -> rds.describeDBInstances()).isInstanceOfSatisfying(RdsException.class, e -> {
      assertThat(e.statusCode()).isEqualTo(400);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
      assertThat(e.isThrottlingException()).isTrue();
    });
    fake.failNext("DescribeDBClusters", 1, Failure.denied("rds:DescribeDBClusters"));
    assertThatThrownBy(() -> rds.describeDBClusters()).isInstanceOfSatisfying(RdsException.class, e -> {
      assertThat(e.statusCode()).isEqualTo(403);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
      assertThat(e.awsErrorDetails().errorMessage()).contains("rds:DescribeDBClusters");
    });
    assertThat(rds.describeDBInstances().dbInstances()).isEmpty();
  }
}
