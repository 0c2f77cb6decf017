package dev.earlybird.config;

/** @param top how many statements the hot list keeps (also the budget of per-query metric series) */
public record HotConfig(int top) {
  public static final int DEFAULT_TOP = 25;
  public static final int MAX_TOP = 1000;

  public HotConfig {
    if (top < 1 || top > MAX_TOP) {
      throw new IllegalArgumentException("analysis.hot.top must be 1.." + MAX_TOP + ", got " + top);
    }
  }

  public static HotConfig defaults() {
    return new HotConfig(DEFAULT_TOP);
  }
}
