package dev.earlybird.source.aws;

import dev.earlybird.config.DiscoveryConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.config.TargetTemplate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns discovered instances into target configs through the {@code discovery.template}: name from the
 * placeholders, URL from the instance endpoint, the AWS link filled in (region, DbiResourceId, identifier, cluster,
 * the section's endpoints, the template's IAM auth). Pure: the loop that calls it decides what to log.
 */
public final class DiscoveredTargets {
  private DiscoveredTargets() {}

  /**
   * What the discovered fleet should be.
   *
   * @param targets by name, in region order then identifier order
   * @param notes why instances were left out (name clashes, invalid names); each stays the same text for the
   *     same cause, so callers can log every note once
   */
  public record Plan(Map<String, TargetConfig> targets, List<String> notes) {
    public Plan {
      targets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(targets));
      notes = List.copyOf(notes);
    }
  }

  /**
   * @param byRegion the instances of each region, in the order of {@code discovery.regions}
   * @param staticNames names of the targets under {@code targets:}; they win over a discovered target of the same
   *     name
   */
  public static Plan plan(DiscoveryConfig config, Collection<List<RdsInstance>> byRegion, Set<String> staticNames) {
    Map<String, TargetConfig> targets = new LinkedHashMap<>();
    Map<String, RdsInstance> from = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    for (List<RdsInstance> region : byRegion) {
      for (RdsInstance i : region) {
        String name = config.template().targetName(i.identifier(), i.region(), i.cluster());
        if (!TargetConfig.NAME.matcher(name).matches()) {
          notes.add("instance " + i.identifier() + " in " + i.region() + " is left out: discovery.template.name "
              + "makes \"" + name + "\" of it, not a valid target name (1 to 63 letters, digits, '_', '.' or "
              + "'-', starting with a letter or digit); shorten the template, or leave out {cluster}, which is "
              + "empty for an instance outside a cluster");
        } else if (staticNames.contains(name)) {
          notes.add("instance " + i.identifier() + " in " + i.region() + " is the target \"" + name + "\" under "
              + "targets:, whose settings are used (the static target wins)");
        } else if (from.containsKey(name)) {
          RdsInstance first = from.get(name);
          notes.add("instance " + i.identifier() + " in " + i.region() + " is left out: its target name \"" + name
              + "\" is taken by " + first.identifier() + " in " + first.region() + "; put {region} in "
              + "discovery.template.name");
        } else {
          targets.put(name, target(config, name, i));
          from.put(name, i);
        }
      }
    }
    return new Plan(targets, notes);
  }

  /** The target of one instance under {@code name}. */
  static TargetConfig target(DiscoveryConfig config, String name, RdsInstance i) {
    TargetTemplate t = config.template();
    return new TargetConfig(name, t.url(i.host(), i.port()), t.user(), t.password(), t.databases(),
        Optional.of(config.link(i.region(), i.performanceInsights() ? i.dbiResourceId() : null, i.identifier(),
            i.cluster())), InstanceClasses.vcpus(i.instanceClass()));
  }
}
