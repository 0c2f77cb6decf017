package dev.earlybird.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.Replicas;
import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.ConfigLoader;
import dev.earlybird.config.StoreConfig;
import dev.earlybird.model.Shard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * examples/kubernetes: the agent config loads with the real loader, and the manifests (no kubectl here) parse, say
 * what they are, and agree with each other and with the config: replicas and shards, the ConfigMap made from the
 * config file, the Secret's keys, the probes' paths, the port, the Services the ServiceMonitor scrapes.
 */
class KubernetesExampleTest {
  private static final Path DIR = Path.of("examples/kubernetes");
  private static final Map<String, String> ENV = Map.of(
      "EARLYBIRD_STORE_PASSWORD", "store-secret",
      "EARLYBIRD_PG_PASSWORD", "pg-secret",
      "EARLYBIRD_WEB_TOKEN", "a-web-token-of-enough-length");

  private static AgentConfig config() throws Exception {
    Path file = DIR.resolve("earlybird.yml");
    return ConfigLoader.parse(Files.readString(file), file.toString(), file.getParent(), ENV::get);
  }

  /** Every document of every manifest in the folder, by file name. */
  @SuppressWarnings("unchecked")
  private static Map<String, List<Map<String, Object>>> manifests() throws Exception {
    Map<String, List<Map<String, Object>>> all = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(f))) {
          assertThat(doc).as(f + ": every document is a mapping").isInstanceOf(Map.class);
          docs.add((Map<String, Object>) doc);
        }
        all.put(f.getFileName().toString(), docs);
      }
    }
    return all;
  }

  private static List<Map<String, Object>> ofKind(String kind) throws Exception {
    return manifests().values().stream().flatMap(List::stream).filter(d -> kind.equals(d.get("kind"))).toList();
  }

  private static Map<String, Object> one(String kind) throws Exception {
    List<Map<String, Object>> found = ofKind(kind);
    assertThat(found).as(kind).hasSize(1);
    return found.getFirst();
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object node, String... path) {
    Object n = node;
    for (String key : path) {
      assertThat(n).as("%s in %s", key, String.join(".", path)).isInstanceOf(Map.class);
      n = ((Map<String, Object>) n).get(key);
    }
    return (T) n;
  }

  private static Map<String, Object> container() throws Exception {
    List<Map<String, Object>> containers = at(one("StatefulSet"), "spec", "template", "spec", "containers");
    assertThat(containers).hasSize(1);
    return containers.getFirst();
  }

  private static String name(Map<String, Object> doc) {
    return at(doc, "metadata", "name");
  }

  @Test
  void theAgentConfigLoadsWithASharedStoreAndTwoShards() throws Exception {
    AgentConfig config = config();
    var store = (StoreConfig.Postgres) config.store();
    assertThat(store.shards()).isEqualTo(2);
    assertThat(store.jdbcUrl()).startsWith("jdbc:postgresql://").contains("password=store-secret");
    assertThat(store.toString()).doesNotContain("store-secret").contains("password=***");
    assertThat(config.listen().host()).isEqualTo("0.0.0.0");
    assertThat(config.targets()).isNotEmpty().allSatisfy(t -> assertThat(t.password().reveal()).isEqualTo("pg-secret"));
    assertThat(config.web().token().orElseThrow().reveal()).isEqualTo("a-web-token-of-enough-length");
    // Each replica has something to poll.
    assertThat(config.targets().stream().map(t -> Shard.of(t.name(), store.shards())).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void everyManifestParsesAndSaysWhatItIs() throws Exception {
    Map<String, List<Map<String, Object>>> all = manifests();
    assertThat(all).containsOnlyKeys("kustomization.yaml", "secret.yaml", "services.yaml", "servicemonitor.yaml",
        "statefulset.yaml");
    Set<String> kinds = new TreeSet<>();
    all.forEach((file, docs) -> docs.forEach(d -> {
      assertThat((String) d.get("apiVersion")).as(file + " apiVersion").isNotBlank();
      assertThat((String) d.get("kind")).as(file + " kind").isNotBlank();
      kinds.add(d.get("apiVersion") + " " + d.get("kind"));
    }));
    assertThat(kinds).containsExactlyInAnyOrder("kustomize.config.k8s.io/v1beta1 Kustomization", "apps/v1 StatefulSet",
        "v1 Service", "v1 Secret", "monitoring.coreos.com/v1 ServiceMonitor");
    assertThat(ofKind("Service")).hasSize(2);
  }

  @Test
  void theStatefulSetRunsAsManyReplicasAsShardsAndEachPodNameGivesItsShard() throws Exception {
    int shards = ((StoreConfig.Postgres) config().store()).shards();
    Map<String, Object> sts = one("StatefulSet");
    int replicas = at(sts, "spec", "replicas");
    assertThat(replicas).isEqualTo(shards);
    for (int i = 0; i < replicas; i++) {
      assertThat(Replicas.shard(Optional.empty(), shards, name(sts) + "-" + i)).isEqualTo(new Shard(i, shards));
    }
    // The pod's name reaches the agent as HOSTNAME.
    List<Map<String, Object>> env = at(container(), "env");
    Map<String, Object> hostname = env.stream().filter(e -> "HOSTNAME".equals(e.get("name"))).findFirst().orElseThrow();
    assertThat((String) at(hostname, "valueFrom", "fieldRef", "fieldPath")).isEqualTo("metadata.name");
    // Pods are named by the headless Service.
    Map<String, Object> headless = ofKind("Service").stream().filter(s -> "None".equals(at(s, "spec", "clusterIP")))
        .findFirst().orElseThrow();
    assertThat((String) at(sts, "spec", "serviceName")).isEqualTo(name(headless));
    Map<String, String> selector = at(sts, "spec", "selector", "matchLabels");
    assertThat((Map<String, String>) at(sts, "spec", "template", "metadata", "labels")).containsAllEntriesOf(selector);
  }

  @Test
  void probesPointAtHealthyAndReadyOnTheListenPort() throws Exception {
    Map<String, Object> c = container();
    assertThat((String) at(c, "livenessProbe", "httpGet", "path")).isEqualTo("/-/healthy");
    assertThat((String) at(c, "startupProbe", "httpGet", "path")).isEqualTo("/-/healthy");
    assertThat((String) at(c, "readinessProbe", "httpGet", "path")).isEqualTo("/-/ready");
    List<Map<String, Object>> ports = at(c, "ports");
    assertThat(ports).hasSize(1);
    assertThat((Integer) ports.getFirst().get("containerPort")).isEqualTo(config().listen().port());
    for (String probe : List.of("livenessProbe", "startupProbe", "readinessProbe")) {
      assertThat((Object) at(c, probe, "httpGet", "port")).isEqualTo(ports.getFirst().get("name"));
    }
    for (Map<String, Object> service : ofKind("Service")) {
      List<Map<String, Object>> servicePorts = at(service, "spec", "ports");
      assertThat(servicePorts).extracting(p -> p.get("targetPort")).containsOnly(ports.getFirst().get("name"));
    }
  }

  @Test
  void theContainerRunsTheImageOnTheConfigMadeFromEarlybirdYml() throws Exception {
    Map<String, Object> c = container();
    assertThat((String) c.get("image")).isEqualTo("earlybird"); // docker build -t earlybird . (Dockerfile, README)
    List<String> args = at(c, "args");
    assertThat(args).containsExactly("run", "--config", "/etc/earlybird/earlybird.yml");
    List<Map<String, Object>> mounts = at(c, "volumeMounts");
    Map<String, Object> mount = mounts.stream().filter(m -> "/etc/earlybird".equals(m.get("mountPath"))).findFirst()
        .orElseThrow();
    List<Map<String, Object>> volumes = at(one("StatefulSet"), "spec", "template", "spec", "volumes");
    Map<String, Object> volume = volumes.stream().filter(v -> mount.get("name").equals(v.get("name"))).findFirst()
        .orElseThrow();
    // kustomize makes the ConfigMap from the config file itself (and rewrites this name to the hashed one).
    List<Map<String, Object>> generators = at(one("Kustomization"), "configMapGenerator");
    assertThat(generators).hasSize(1);
    assertThat((String) at(volume, "configMap", "name")).isEqualTo(generators.getFirst().get("name"));
    assertThat((List<String>) generators.getFirst().get("files")).containsExactly("earlybird.yml");
    List<String> resources = at(one("Kustomization"), "resources");
    assertThat(resources).containsExactlyInAnyOrder("statefulset.yaml", "services.yaml");
    resources.forEach(r -> assertThat(DIR.resolve(r)).exists());
    // The heap share is set, and a memory limit for it to be a share of.
    List<Map<String, Object>> env = at(c, "env");
    assertThat(env).anySatisfy(e -> {
      assertThat(e.get("name")).isEqualTo("JAVA_TOOL_OPTIONS");
      assertThat((String) e.get("value")).contains("-XX:MaxRAMPercentage=");
    });
    assertThat((String) at(c, "resources", "limits", "memory")).isNotBlank();
    assertThat((String) at(c, "resources", "requests", "memory")).isNotBlank();
  }

  @Test
  void everyVariableTheConfigReadsComesFromTheSecret() throws Exception {
    Set<String> wanted = new TreeSet<>();
    Matcher m = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}").matcher(
        Files.readString(DIR.resolve("earlybird.yml")));
    while (m.find()) {
      wanted.add(m.group(1));
    }
    assertThat(wanted).isEqualTo(ENV.keySet());
    Map<String, Object> secret = one("Secret");
    Map<String, String> data = at(secret, "stringData");
    assertThat(data.values()).allSatisfy(v -> assertThat(v).startsWith("CHANGE-ME"));
    List<Map<String, Object>> env = at(container(), "env");
    Map<String, Map<String, Object>> byName = env.stream()
        .collect(Collectors.toMap(e -> (String) e.get("name"), e -> e));
    for (String variable : wanted) {
      Map<String, Object> ref = at(byName.get(variable), "valueFrom", "secretKeyRef");
      assertThat(ref.get("name")).isEqualTo(name(secret));
      assertThat(data).containsKey((String) ref.get("key"));
    }
    // web.token must be at least 16 characters: so must the placeholder, or the example would not start at all.
    Map<String, Object> token = at(byName.get("EARLYBIRD_WEB_TOKEN"), "valueFrom", "secretKeyRef");
    assertThat(data.get((String) token.get("key"))).hasSizeGreaterThanOrEqualTo(16);
  }

  @Test
  void theServiceMonitorScrapesEachPodOnceAsJobEarlybird() throws Exception {
    Map<String, Object> monitor = one("ServiceMonitor");
    Map<String, String> selector = at(monitor, "spec", "selector", "matchLabels");
    List<Map<String, Object>> selected = ofKind("Service").stream()
        .filter(s -> ((Map<String, String>) at(s, "metadata", "labels")).entrySet().containsAll(selector.entrySet()))
        .toList();
    assertThat(selected).hasSize(1);
    // The job is named after the Service, and alerts/earlybird.rules.yml expects job="earlybird".
    assertThat(name(selected.getFirst())).isEqualTo("earlybird");
    assertThat((String) at(selected.getFirst(), "spec", "clusterIP")).isEqualTo("None");
    List<Map<String, Object>> endpoints = at(monitor, "spec", "endpoints");
    assertThat(endpoints).hasSize(1);
    assertThat(endpoints.getFirst()).containsEntry("path", "/metrics");
    List<Map<String, Object>> servicePorts = at(selected.getFirst(), "spec", "ports");
    assertThat(servicePorts).extracting(p -> p.get("name")).contains(endpoints.getFirst().get("port"));
    // Every Service selects the StatefulSet's pods.
    Map<String, String> podLabels = at(one("StatefulSet"), "spec", "template", "metadata", "labels");
    assertThat(ofKind("Service")).allSatisfy(s ->
        assertThat(podLabels).containsAllEntriesOf(at(s, "spec", "selector")));
  }
}
