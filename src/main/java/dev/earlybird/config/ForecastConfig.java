package dev.earlybird.config;

/**
 * The morning CPU forecast of each target.
 *
 * @param hours how many first hours of the tenants' workday the forecast covers
 * @param maxCpuRatio a forecast above this share of the target's vCPUs raises a {@code forecast} finding
 */
public record ForecastConfig(int hours, double maxCpuRatio) {
  public static final ForecastConfig DEFAULT = new ForecastConfig(3, 0.8);

  public ForecastConfig {
    if (hours < 1 || hours > 24) {
      throw new IllegalArgumentException("alerts.forecast.hours must be from 1 to 24");
    }
    if (!(maxCpuRatio > 0)) {
      throw new IllegalArgumentException("alerts.forecast.maxCpuRatio must be above 0");
    }
  }
}
