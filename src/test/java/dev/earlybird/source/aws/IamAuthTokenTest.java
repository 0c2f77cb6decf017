package dev.earlybird.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.AwsSettings;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;

/** The RDS IAM auth token the SDK signs offline: what the database receives as the password. */
class IamAuthTokenTest {
  private final AwsClients clients = new AwsClients(AwsSettings.DEFAULT,
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")), AwsRetryStrategy.doNotRetry());
  private final AwsConfig link = new AwsConfig("eu-west-2", Optional.of("db-ABC"), Optional.of("prod-1"),
      Optional.of(URI.create("http://127.0.0.1:1")));

  @Test
  void tokenIsAPresignedConnectUrlForHostPortAndUserSignedForRdsDb() {
    String token = clients.iamAuthToken(link, "prod-1.abc.eu-west-2.rds.amazonaws.com", 5433, "earlybird");
    assertThat(token).startsWith("prod-1.abc.eu-west-2.rds.amazonaws.com:5433/?");
    String query = URLDecoder.decode(token.substring(token.indexOf('?') + 1), StandardCharsets.UTF_8);
    assertThat(query).contains("Action=connect", "DBUser=earlybird", "X-Amz-Algorithm=AWS4-HMAC-SHA256",
        "X-Amz-SignedHeaders=host", "X-Amz-Signature=");
    // 15 minutes: the SDK (2.54.13) sets the expiry to now + 900 s and then writes the whole seconds left at
    // signing, so the parameter reads 899 about as often as 900.
    assertThat(query).containsPattern("X-Amz-Expires=(899|900)&");
    assertThat(query).containsPattern("X-Amz-Credential=AKID/\\d{8}/eu-west-2/rds-db/aws4_request");
    assertThat(token).doesNotContain("SECRET");
  }

  @Test
  void everyCallSignsAgain() throws Exception {
    String first = clients.iamAuthToken(link, "h", 5432, "eb");
    // X-Amz-Date has second resolution: wait for the next second rather than compare equal tokens.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(3))
        .until(() -> !clients.iamAuthToken(link, "h", 5432, "eb").equals(first));
    assertThat(clients.iamAuthToken(link, "h", 5432, "other")).contains("DBUser=other");
  }
}
