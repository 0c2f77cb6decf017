package dev.earlybird.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a reload changes: the difference between the running config and a new one, as a reload applies it. Pure.
 *
 * @param added targets to start polling
 * @param removed targets to stop polling (their series go; their history stays)
 * @param replaced targets whose poller is replaced (new connection): their url, user, password, databases or aws
 *     link changed, or a poll setting every connection uses ({@code poll.timeout}, {@code poll.connectTimeout})
 * @param sections top-level sections that changed and take effect at once, besides {@code targets}
 * @param needRestart top-level sections that changed but take effect only after a restart
 */
public record ConfigChanges(
    List<String> added, List<String> removed, List<String> replaced, List<String> sections,
    List<String> needRestart) {
  /** The sections a running agent cannot change: the HTTP socket, the open store, the AWS clients, discovery. */
  static final List<String> RESTART_ONLY = List.of("listen", "store", "aws", "discovery");

  public ConfigChanges {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    replaced = List.copyOf(replaced);
    sections = List.copyOf(sections);
    needRestart = List.copyOf(needRestart);
  }

  public static ConfigChanges between(AgentConfig old, AgentConfig next) {
    Map<String, TargetConfig> before = byName(old.targets());
    Map<String, TargetConfig> after = byName(next.targets());
    boolean reconnect = !old.poll().timeout().equals(next.poll().timeout())
        || !old.poll().connectTimeout().equals(next.poll().connectTimeout());
    List<String> added = after.keySet().stream().filter(n -> !before.containsKey(n)).toList();
    List<String> removed = before.keySet().stream().filter(n -> !after.containsKey(n)).toList();
    List<String> replaced = after.keySet().stream()
        .filter(n -> before.containsKey(n) && (reconnect || !before.get(n).equals(after.get(n))))
        .toList();
    List<String> sections = new ArrayList<>();
    List<String> needRestart = new ArrayList<>();
    sections(old).forEach((name, value) -> {
      if (!Objects.equals(value, sections(next).get(name))) {
        (RESTART_ONLY.contains(name) ? needRestart : sections).add(name);
      }
    });
    if (!old.web().basePath().equals(next.web().basePath())) {
      needRestart.add("web.basePath"); // the routes are laid out once, at start
    }
    return new ConfigChanges(added, removed, replaced, sections, needRestart);
  }

  public boolean none() {
    return added.isEmpty() && removed.isEmpty() && replaced.isEmpty() && sections.isEmpty() && needRestart.isEmpty();
  }

  /** One line for the log, e.g. {@code targets added: b; sections changed: tenants, analysis}. */
  public String summary() {
    if (none()) {
      return "nothing changed";
    }
    List<String> parts = new ArrayList<>();
    part(parts, "targets added: ", added);
    part(parts, "targets removed: ", removed);
    part(parts, "targets reconnected (changed): ", replaced);
    part(parts, "sections changed: ", sections);
    part(parts, "changed but needs a restart to take effect: ", needRestart);
    return String.join("; ", parts);
  }

  private static void part(List<String> parts, String label, List<String> names) {
    if (!names.isEmpty()) {
      parts.add(label + String.join(", ", names));
    }
  }

  private static Map<String, TargetConfig> byName(List<TargetConfig> targets) {
    return targets.stream().collect(Collectors.toMap(TargetConfig::name, Function.identity(), (a, b) -> a,
        java.util.LinkedHashMap::new));
  }

  /** Every top-level section but {@code targets}, in the file's usual order. */
  private static Map<String, Object> sections(AgentConfig c) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("listen", c.listen());
    m.put("store", c.store());
    m.put("poll", c.poll());
    m.put("retention", c.retention());
    m.put("tenants", c.tenants());
    m.put("analysis", c.analysis());
    m.put("alerts", c.alerts());
    m.put("web", c.web());
    m.put("aws", c.aws());
    m.put("discovery", c.discovery());
    m.put("metrics", c.metrics());
    return m;
  }
}
