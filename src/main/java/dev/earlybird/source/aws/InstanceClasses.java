package dev.earlybird.source.aws;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * vCPUs of an RDS instance class, from its size, so a discovered target has a capacity for the morning forecast
 * without {@code targets[].vcpus}. Across the families RDS offers for PostgreSQL (m, r, x2g, t, ...) the size decides:
 * {@code large} = 2, {@code xlarge} = 4, {@code Nxlarge} = 4N; the burstable {@code micro}, {@code small} and
 * {@code medium} have 2. Aurora Serverless v2 ({@code db.serverless}) scales its capacity, and {@code metal} or an
 * unknown size gives none: such a target needs {@code vcpus} in the config (or gets no forecast ratio).
 */
public final class InstanceClasses {
  private static final Pattern CLASS = Pattern.compile("db\\.[a-z0-9-]+\\.(?:(\\d*)xlarge|(large|medium|small|micro))");

  private InstanceClasses() {}

  public static OptionalDouble vcpus(Optional<String> instanceClass) {
    return instanceClass.map(InstanceClasses::vcpus).orElse(OptionalDouble.empty());
  }

  public static OptionalDouble vcpus(String instanceClass) {
    Matcher m = CLASS.matcher(instanceClass.strip());
    if (!m.matches()) {
      return OptionalDouble.empty();
    }
    if (m.group(2) != null) {
      return OptionalDouble.of(2);
    }
    return OptionalDouble.of(m.group(1).isEmpty() ? 4 : 4.0 * Integer.parseInt(m.group(1)));
  }
}
