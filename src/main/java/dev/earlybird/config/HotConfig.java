package dev.earlybird.config;

/**
 * @param top how many statements the hot list keeps (also the budget of per-query metric series)
 * @param findings how many of a target's top CPU statements per window become {@code hot} findings (0 = none)
 */
public record HotConfig(int top, int findings) {
  public static final int DEFAULT_TOP = 25;
  public static final int MAX_TOP = 1000;
  public static final int DEFAULT_FINDINGS = 5;

  public HotConfig {
    if (top < 1 || top > MAX_TOP) {
      throw new IllegalArgumentException("analysis.hot.top must be 1.." + MAX_TOP + ", got " + top);
    }
    if (findings < 0 || findings > top) {
      throw new IllegalArgumentException("analysis.hot.findings must be 0..top (" + top + "), got " + findings);
    }
  }

  public HotConfig(int top) {
    this(top, Math.min(DEFAULT_FINDINGS, top));
  }

  public static HotConfig defaults() {
    return new HotConfig(DEFAULT_TOP, DEFAULT_FINDINGS);
  }
}
