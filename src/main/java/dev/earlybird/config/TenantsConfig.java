package dev.earlybird.config;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps database names to tenants and tenants to their working hours.
 *
 * @param pattern must have a named group {@code tenant}; found (not fully matched) in the database name
 * @param overrides per tenant, already merged over {@code defaults} (keys not given there come from defaults)
 */
public record TenantsConfig(Pattern pattern, TenantSettings defaults, Map<String, TenantSettings> overrides) {
  public static final String DEFAULT_PATTERN = "^tenant_(?<tenant>.+)$";
  public static final String GROUP = "tenant";
  // A constant rather than defaults(), which would clash with the accessor of the component "defaults".
  public static final TenantsConfig DEFAULT =
      new TenantsConfig(Pattern.compile(DEFAULT_PATTERN), TenantSettings.DEFAULT, Map.of());

  public TenantsConfig {
    Objects.requireNonNull(pattern, "pattern");
    if (!pattern.namedGroups().containsKey(GROUP)) {
      throw new IllegalArgumentException("tenants.pattern must contain a named group (?<tenant>...)");
    }
    Objects.requireNonNull(defaults, "defaults");
    overrides = Map.copyOf(overrides);
  }


  /**
   * The {@code tenant} group when the pattern matches; otherwise the database is its own tenant. Null for a
   * null name: statements of databases the target's filter excludes are stored without a name.
   */
  public String tenantOf(String databaseName) {
    if (databaseName == null) {
      return null;
    }
    Matcher m = pattern.matcher(databaseName);
    if (m.find()) {
      String tenant = m.group(GROUP);
      if (tenant != null && !tenant.isEmpty()) {
        return tenant;
      }
    }
    return databaseName;
  }

  public TenantSettings settingsFor(String tenant) {
    return overrides.getOrDefault(tenant, defaults);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantsConfig other && DatabaseFilter.same(pattern, other.pattern)
        && defaults.equals(other.defaults) && overrides.equals(other.overrides);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pattern.pattern(), defaults, overrides);
  }
}
