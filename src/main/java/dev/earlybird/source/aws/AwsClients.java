package dev.earlybird.source.aws;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.AwsService;
import dev.earlybird.config.AwsSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.pi.PiClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.RdsUtilities;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Builds and caches the SDK clients, one per service, region and endpoint, all on one URL-connection HTTP client
 * and one credentials provider per region. Credentials come from the SDK's default chain; with
 * {@code aws.roleArn} they are exchanged for the role's through STS (refreshed by the SDK before they expire).
 * Every client uses the SDK's standard retry strategy (throttling backs off from 1 s) and a call timeout.
 */
public final class AwsClients implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AwsClients.class);
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

  private final AwsSettings settings;
  private final AwsCredentialsProvider baseCredentials;
  private final RetryStrategy retry;
  private final SdkHttpClient http;
  private final Map<ClientKey, SdkClient> clients = new ConcurrentHashMap<>();
  private final Map<ClientKey, AwsCredentialsProvider> credentials = new ConcurrentHashMap<>();
  private final Map<ClientKey, RateLimiter> limiters = new ConcurrentHashMap<>();

  /** Which client: a service in a region, at an endpoint (empty: the SDK's default for the region). */
  private record ClientKey(AwsService service, String region, Optional<URI> endpoint) {}

  /**
   * @param baseCredentials where credentials come from (the default chain in production, static ones in tests)
   * @param retry the SDK retry strategy; tests that do not test retries pass {@code AwsRetryStrategy.doNotRetry()}
   */
  public AwsClients(AwsSettings settings, AwsCredentialsProvider baseCredentials, RetryStrategy retry) {
    this.settings = settings;
    this.baseCredentials = baseCredentials;
    this.retry = retry;
    this.http = UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(5))
        .socketTimeout(ATTEMPT_TIMEOUT)
        .build();
  }

  /** Production wiring: the default credentials chain and the standard retry strategy. */
  public static AwsClients standard(AwsSettings settings) {
    return new AwsClients(settings, DefaultCredentialsProvider.builder().build(),
        AwsRetryStrategy.standardRetryStrategy());
  }

  public AwsSettings settings() {
    return settings;
  }

  public PiClient pi(AwsConfig link) {
    return client(AwsService.PI, link.region(), link.endpointFor(AwsService.PI), link.endpointFor(AwsService.STS),
        PiClient.builder(), b -> b.build());
  }

  public CloudWatchClient cloudWatch(AwsConfig link) {
    return client(AwsService.CLOUDWATCH, link.region(), link.endpointFor(AwsService.CLOUDWATCH),
        link.endpointFor(AwsService.STS), CloudWatchClient.builder(), b -> b.build());
  }

  /** For discovery, which has a region but no target yet. */
  public RdsClient rds(String region, Optional<URI> endpoint, Optional<URI> stsEndpoint) {
    return client(AwsService.RDS, region, endpoint, stsEndpoint, RdsClient.builder(), b -> b.build());
  }

  /**
   * A fresh RDS IAM auth token (valid 15 minutes) for one new connection; signed locally, no network call. Use
   * it as the password, over TLS.
   */
  public String iamAuthToken(AwsConfig link, String host, int port, String user) {
    RdsUtilities utilities = RdsUtilities.builder()
        .region(Region.of(link.region()))
        .credentialsProvider(credentials(link.region(), link.endpointFor(AwsService.STS)))
        .build();
    return utilities.generateAuthenticationToken(b -> b.hostname(host).port(port).username(user));
  }

  /** The shared rate limiter of one service in one region. */
  public RateLimiter limiter(AwsService service, String region) {
    return limiters.computeIfAbsent(
        new ClientKey(service, region, Optional.empty()), k -> new RateLimiter(settings.rate(service)));
  }

  @SuppressWarnings("unchecked")
  private <C extends SdkClient, B extends AwsClientBuilder<B, C>> C client(
      AwsService service, String region, Optional<URI> endpoint, Optional<URI> stsEndpoint, B builder,
      Function<B, C> build) {
    ClientKey key = new ClientKey(service, region, endpoint);
    return (C) clients.computeIfAbsent(key, k -> {
      builder.region(Region.of(region))
          .credentialsProvider(credentials(region, stsEndpoint))
          .overrideConfiguration(overrides());
      endpoint.ifPresent(builder::endpointOverride);
      if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
        sync.httpClient(http);
      }
      return build.apply(builder);
    });
  }

  private ClientOverrideConfiguration overrides() {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(retry)
        .apiCallTimeout(CALL_TIMEOUT)
        .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
        .build();
  }

  /**
   * The credentials for calls in {@code region}. With a role to assume, STS is called in that region (regional
   * STS endpoints work where the global one is blocked); {@code stsEndpoint} overrides it for tests.
   */
  private AwsCredentialsProvider credentials(String region, Optional<URI> stsEndpoint) {
    if (settings.roleArn().isEmpty()) {
      return baseCredentials;
    }
    return credentials.computeIfAbsent(new ClientKey(AwsService.STS, region, stsEndpoint), k -> {
      var sts = StsClient.builder()
          .region(Region.of(region))
          .credentialsProvider(baseCredentials)
          .httpClient(http)
          .overrideConfiguration(overrides());
      stsEndpoint.ifPresent(sts::endpointOverride);
      log.info("AWS calls in {} use the assumed role {}", region, settings.roleArn().get());
      return StsAssumeRoleCredentialsProvider.builder()
          .stsClient(sts.build())
          .refreshRequest(r -> r.roleArn(settings.roleArn().get()).roleSessionName("earlybird"))
          .build();
    });
  }

  @Override
  public void close() {
    clients.values().forEach(SdkClient::close);
    credentials.values().forEach(c -> {
      if (c instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          log.debug("closing AWS credentials: {}", e.toString());
        }
      }
    });
    http.close();
  }
}
