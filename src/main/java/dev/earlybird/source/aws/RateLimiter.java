package dev.earlybird.source.aws;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A token bucket shared by every caller of one AWS service in one region: the whole fleet's PI calls in
 * us-east-1 draw from one bucket, so a thousand instances cannot burst past what the account may send. Callers
 * wait for a token rather than fail; the SDK's own retries handle what throttling still happens.
 */
public final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long lastNanos;

  public RateLimiter(double perSecond) {
    this(perSecond, System::nanoTime);
  }

  /** With a clock of nanoseconds, which tests move by hand. */
  RateLimiter(double perSecond, LongSupplier nanoTime) {
    if (!(perSecond > 0) || !Double.isFinite(perSecond)) {
      throw new IllegalArgumentException("rate must be positive: " + perSecond);
    }
    this.perSecond = perSecond;
    this.burst = Math.max(1, perSecond);
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.lastNanos = nanoTime.getAsLong();
  }

  /** Takes one token, waiting as long as needed; returns how long it waited. */
  public Duration acquire() {
    long waitNanos = reserve();
    if (waitNanos > 0) {
      long deadline = nanoTime.getAsLong() + waitNanos;
      for (long left = waitNanos; left > 0; left = deadline - nanoTime.getAsLong()) {
        LockSupport.parkNanos(left);
      }
    }
    return Duration.ofNanos(Math.max(0, waitNanos));
  }

  /** Takes a token now (possibly going into debt) and says how long the caller must wait for it. */
  synchronized long reserve() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * perSecond);
    lastNanos = now;
    tokens -= 1;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perSecond * 1e9);
  }
}
