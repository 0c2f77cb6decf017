package dev.earlybird.config;

import java.util.Locale;

/** The AWS services Earlybird calls; the lowercase name is the config key under {@code endpoints:}. */
public enum AwsService {
  /** Performance Insights. */
  PI,
  CLOUDWATCH,
  /** RDS: fleet discovery and IAM database auth tokens. */
  RDS,
  /** For an assumed role. */
  STS;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
