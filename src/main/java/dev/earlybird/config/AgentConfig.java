package dev.earlybird.config;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration of one agent, validated; build it with {@link ConfigLoader} or {@link #defaults}.
 *
 * @param discovery RDS fleet discovery; targets it finds are polled next to {@link #targets} (a static target
 *     with the same name wins)
 */
public record AgentConfig(
    HostPort listen,
    StoreConfig store,
    PollConfig poll,
    RetentionConfig retention,
    List<TargetConfig> targets,
    TenantsConfig tenants,
    AnalysisConfig analysis,
    AlertsConfig alerts,
    WebConfig web,
    AwsSettings aws,
    Optional<DiscoveryConfig> discovery,
    MetricsConfig metrics,
    AdvisorConfig advisor) {
  public AgentConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(poll, "poll");
    Objects.requireNonNull(retention, "retention");
    targets = List.copyOf(targets);
    Objects.requireNonNull(tenants, "tenants");
    Objects.requireNonNull(analysis, "analysis");
    Objects.requireNonNull(alerts, "alerts");
    Objects.requireNonNull(web, "web");
    Objects.requireNonNull(aws, "aws");
    Objects.requireNonNull(discovery, "discovery");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(advisor, "advisor");
    Set<String> names = new HashSet<>();
    for (TargetConfig t : targets) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("duplicate target name " + t.name());
      }
    }
  }

  /** With the advisor's defaults. */
  public AgentConfig(
      HostPort listen,
      StoreConfig store,
      PollConfig poll,
      RetentionConfig retention,
      List<TargetConfig> targets,
      TenantsConfig tenants,
      AnalysisConfig analysis,
      AlertsConfig alerts,
      WebConfig web,
      AwsSettings aws,
      Optional<DiscoveryConfig> discovery,
      MetricsConfig metrics) {
    this(listen, store, poll, retention, targets, tenants, analysis, alerts, web, aws, discovery, metrics,
        AdvisorConfig.DEFAULT);
  }

  /** With the default metrics settings (no per-statement series). */
  public AgentConfig(
      HostPort listen,
      StoreConfig store,
      PollConfig poll,
      RetentionConfig retention,
      List<TargetConfig> targets,
      TenantsConfig tenants,
      AnalysisConfig analysis,
      AlertsConfig alerts,
      WebConfig web,
      AwsSettings aws,
      Optional<DiscoveryConfig> discovery) {
    this(listen, store, poll, retention, targets, tenants, analysis, alerts, web, aws, discovery,
        MetricsConfig.DEFAULT);
  }

  /** Without discovery. */
  public AgentConfig(
      HostPort listen,
      StoreConfig store,
      PollConfig poll,
      RetentionConfig retention,
      List<TargetConfig> targets,
      TenantsConfig tenants,
      AnalysisConfig analysis,
      AlertsConfig alerts,
      WebConfig web,
      AwsSettings aws) {
    this(listen, store, poll, retention, targets, tenants, analysis, alerts, web, aws, Optional.empty());
  }

  /** With the web settings at their defaults (no token: no write actions). */
  public AgentConfig(
      HostPort listen,
      StoreConfig store,
      PollConfig poll,
      RetentionConfig retention,
      List<TargetConfig> targets,
      TenantsConfig tenants,
      AnalysisConfig analysis,
      AlertsConfig alerts) {
    this(listen, store, poll, retention, targets, tenants, analysis, alerts, WebConfig.DEFAULT, AwsSettings.DEFAULT);
  }

  /** Every setting at its default, with these targets; for tests and the demo. */
  public static AgentConfig defaults(List<TargetConfig> targets) {
    return new AgentConfig(HostPort.DEFAULT, StoreConfig.DEFAULT, PollConfig.defaults(), RetentionConfig.defaults(),
        targets, TenantsConfig.DEFAULT, AnalysisConfig.defaults(), AlertsConfig.defaults());
  }

  public AgentConfig withTargets(List<TargetConfig> newTargets) {
    return new AgentConfig(listen, store, poll, retention, newTargets, tenants, analysis, alerts, web, aws, discovery,
        metrics, advisor);
  }

  public AgentConfig withPoll(PollConfig newPoll) {
    return new AgentConfig(listen, store, newPoll, retention, targets, tenants, analysis, alerts, web, aws, discovery,
        metrics, advisor);
  }

  public AgentConfig withDiscovery(Optional<DiscoveryConfig> newDiscovery) {
    return new AgentConfig(listen, store, poll, retention, targets, tenants, analysis, alerts, web, aws, newDiscovery,
        metrics, advisor);
  }

  public AgentConfig withAdvisor(AdvisorConfig newAdvisor) {
    return new AgentConfig(listen, store, poll, retention, targets, tenants, analysis, alerts, web, aws, discovery,
        metrics, newAdvisor);
  }

  public AgentConfig withMetrics(MetricsConfig newMetrics) {
    return new AgentConfig(listen, store, poll, retention, targets, tenants, analysis, alerts, web, aws, discovery,
        newMetrics, advisor);
  }
}
