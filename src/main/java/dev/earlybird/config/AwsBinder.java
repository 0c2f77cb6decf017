package dev.earlybird.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Binds the top-level {@code aws:} section and the per-service {@code endpoints:} maps. */
final class AwsBinder {
  static final List<String> KEYS = List.of("roleArn", "performanceInsights", "cloudwatch", "requestsPerSecond");
  static final List<String> PI_KEYS = List.of("interval", "top");
  static final List<String> CLOUDWATCH_KEYS = List.of("interval", "period", "delay");
  static final List<String> SERVICE_KEYS = Arrays.stream(AwsService.values()).map(AwsService::key).toList();
  private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");

  private AwsBinder() {}

  static AwsSettings bind(Optional<MapNode> section) {
    if (section.isEmpty()) {
      return AwsSettings.DEFAULT;
    }
    MapNode m = section.get();
    Optional<String> roleArn = m.optional("roleArn", AwsBinder::roleArn);
    Optional<MapNode> pi = m.map("performanceInsights", PI_KEYS);
    Duration piInterval = pi.map(p -> p.value("interval", AwsBinder::piInterval, AwsSettings.DEFAULT_PI_INTERVAL))
        .orElse(AwsSettings.DEFAULT_PI_INTERVAL);
    int piTop = pi.map(p -> p.value("top", Values.integer(1, AwsSettings.MAX_PI_TOP), AwsSettings.MAX_PI_TOP))
        .orElse(AwsSettings.MAX_PI_TOP);
    Optional<MapNode> cw = m.map("cloudwatch", CLOUDWATCH_KEYS);
    Duration cwInterval = cw.map(c -> c.value("interval", Values.duration(false),
        AwsSettings.DEFAULT_CLOUDWATCH_INTERVAL)).orElse(AwsSettings.DEFAULT_CLOUDWATCH_INTERVAL);
    Duration cwPeriod = cw.map(c -> c.value("period", AwsBinder::cloudwatchPeriod,
        AwsSettings.DEFAULT_CLOUDWATCH_PERIOD)).orElse(AwsSettings.DEFAULT_CLOUDWATCH_PERIOD);
    Duration cwDelay = cw.map(c -> c.value("delay", Values.duration(true), AwsSettings.DEFAULT_CLOUDWATCH_DELAY))
        .orElse(AwsSettings.DEFAULT_CLOUDWATCH_DELAY);
    Map<AwsService, Double> rates = new EnumMap<>(AwsService.class);
    m.map("requestsPerSecond", SERVICE_KEYS).ifPresent(r -> {
      for (AwsService s : AwsService.values()) {
        r.optional(s.key(), Values.number(0)).ifPresent(v -> rates.put(s, v));
      }
    });
    return m.build(() -> new AwsSettings(roleArn, piInterval, piTop, cwInterval, cwPeriod, cwDelay, rates))
        .orElse(AwsSettings.DEFAULT);
  }

  static Map<AwsService, URI> endpoints(Optional<MapNode> section) {
    Map<AwsService, URI> out = new EnumMap<>(AwsService.class);
    section.ifPresent(m -> {
      for (AwsService s : AwsService.values()) {
        m.optional(s.key(), Values::httpUrl).ifPresent(u -> out.put(s, u));
      }
    });
    return out;
  }

  private static String roleArn(String text) {
    if (!ROLE_ARN.matcher(text.strip()).matches()) {
      throw new IllegalArgumentException(Values.quote(text) + " is not an IAM role ARN; expected "
          + "arn:aws:iam::123456789012:role/NAME");
    }
    return text.strip();
  }

  /** PI answers in periods of 1 s or 60 s (and longer); an interval of 90 s would query overlapping minutes. */
  private static Duration piInterval(String text) {
    Duration d = Values.duration(false).apply(text);
    boolean fits = d.compareTo(Duration.ofMinutes(1)) < 0 ? d.toMillis() % 1000 == 0 : d.toSeconds() % 60 == 0
        && d.toMillis() % 1000 == 0;
    if (!fits) {
      throw new IllegalArgumentException(Values.quote(text) + " does not fit Performance Insights' periods; "
          + "expected whole minutes like 1m or 5m (or whole seconds below a minute, for tests)");
    }
    return d;
  }

  private static Duration cloudwatchPeriod(String text) {
    Duration d = Values.duration(false).apply(text);
    long s = d.toSeconds();
    boolean fits = d.toMillis() % 1000 == 0 && (s == 1 || s == 5 || s == 10 || s == 30 || s % 60 == 0);
    if (!fits) {
      throw new IllegalArgumentException(Values.quote(text) + " is not a CloudWatch period; expected 1s, 5s, 10s, "
          + "30s or whole minutes like 1m or 5m");
    }
    return d;
  }
}
