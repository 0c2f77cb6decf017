/**
 * The AWS sources: Performance Insights, CloudWatch, RDS discovery and IAM auth tokens. SDK clients are built
 * in {@link dev.earlybird.source.aws.AwsClients} (one HTTP client, shared credentials, endpoint overrides, a
 * rate limiter per region and service); collectors turn SDK answers into records of {@code model} before anything
 * else sees them. May depend on {@code model}, {@code config} and {@code source} (and {@code source.postgres}'s
 * {@code CheckResult}, the one line format of {@code earlybird check}).
 */
package dev.earlybird.source.aws;
