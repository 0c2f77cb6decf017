package dev.earlybird.config;

import dev.earlybird.model.Shard;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the YAML config into an {@link AgentConfig}. Uses SnakeYAML's node tree (not data binding) because
 * its nodes keep line numbers, which every error message names; binding is per section in the *Binder
 * classes and collects all problems before failing.
 */
public final class ConfigLoader {
  static final List<String> TOP_KEYS =
      List.of("listen", "store", "poll", "retention", "targets", "tenants", "analysis", "alerts", "web", "aws",
          "discovery", "metrics", "advisor", "shards");

  private ConfigLoader() {}

  /** Loads a file; {@code ${env:..}} reads the process environment, {@code ${file:..}} is relative to the file. */
  public static AgentConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": config file does not exist; expected a YAML file (check --config)");
    } catch (CharacterCodingException e) {
      throw new ConfigException(file + ": config file is not UTF-8 text; expected a UTF-8 YAML file");
    } catch (IOException e) {
      throw new ConfigException(file + ": config file cannot be read (" + e.getClass().getSimpleName()
          + "); expected a readable file (check permissions)");
    }
    return parse(text, file.toString(), file.toAbsolutePath().getParent(), System::getenv);
  }

  /**
   * Parses config text.
   *
   * @param sourceName what errors call the file, usually its path
   * @param baseDir where relative {@code ${file:PATH}} references are resolved, usually the file's directory
   * @param env environment lookup (returns null for unset), injectable for tests
   */
  public static AgentConfig parse(String yamlText, String sourceName, Path baseDir, Function<String, String> env)
      throws ConfigException {
    Problems problems = new Problems(sourceName);
    Node root = compose(yamlText, problems);
    problems.throwIfAny();
    // An empty file is a valid config with every default and no targets; the caller decides if that is enough.
    Optional<MapNode> top = root == null
        ? Optional.empty()
        : ConfigNode.root(root, new Context(problems, new Substitutor(baseDir, env))).map(TOP_KEYS);
    problems.throwIfAny();
    AgentConfig config = top.map(ConfigLoader::bind).orElseGet(() -> AgentConfig.defaults(List.of()));
    problems.throwIfAny();
    return config;
  }

  private static AgentConfig bind(MapNode top) {
    HostPort listen = top.value("listen", HostPort::parse, HostPort.DEFAULT);
    StoreConfig store = shards(top, top.value("store", StoreConfig::parse, StoreConfig.DEFAULT));
    PollConfig poll = PollBinder.poll(top.map("poll", PollBinder.POLL_KEYS));
    RetentionConfig retention = PollBinder.retention(top.map("retention", PollBinder.RETENTION_KEYS));
    List<TargetConfig> targets = TargetsBinder.bind(top.list("targets"));
    TenantsConfig tenants = TenantsBinder.bind(top.map("tenants", TenantsBinder.KEYS));
    AnalysisConfig analysis = AnalysisBinder.bind(top.map("analysis", AnalysisBinder.KEYS));
    AlertsConfig alerts = AlertsBinder.bind(top.map("alerts", AlertsBinder.KEYS));
    WebConfig web = WebBinder.bind(top.map("web", WebBinder.KEYS));
    AwsSettings aws = AwsBinder.bind(top.map("aws", AwsBinder.KEYS));
    Optional<DiscoveryConfig> discovery = DiscoveryBinder.bind(top.map("discovery", DiscoveryBinder.KEYS));
    MetricsConfig metrics = MetricsBinder.bind(top.map("metrics", MetricsBinder.KEYS));
    AdvisorConfig advisor = AdvisorBinder.bind(top.map("advisor", AdvisorBinder.KEYS));
    return top.build(() -> new AgentConfig(
            listen, store, poll, retention, targets, tenants, analysis, alerts, web, aws, discovery, metrics, advisor))
        .orElse(null);
  }

  /** {@code shards: n} splits the targets between n replicas, which only a shared PostgreSQL store allows. */
  private static StoreConfig shards(MapNode top, StoreConfig store) {
    Optional<Integer> shards = top.optional("shards", Values.integer(1, Shard.MAX_COUNT));
    if (shards.isEmpty()) {
      return store;
    }
    if (store instanceof StoreConfig.Postgres p) {
      return p.withShards(shards.get());
    }
    if (shards.get() > 1) {
      top.get("shards").ifPresent(n -> n.problem("several replicas need a shared store, but the store is " + store
          + "; expected `store: jdbc:postgresql://host:5432/earlybird` (an embedded DuckDB file has one writer), "
          + "or remove `shards`"));
    }
    return store;
  }

  private static Node compose(String yamlText, Problems problems) {
    LoaderOptions options = new LoaderOptions();
    // Let people share blocks between targets with anchors and "<<: *defaults".
    options.setMergeOnCompose(true);
    try {
      return new Yaml(options).compose(new StringReader(yamlText));
    } catch (MarkedYAMLException e) {
      // getProblem() only: the full message quotes the offending line, which may hold a password.
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what = "not valid YAML: " + e.getProblem() + "; expected YAML syntax (check indentation; "
          + "quote values that contain \": \" or start with :, @, `, %, [ or {)";
      if (mark == null) {
        problems.addForFile(what);
      } else {
        problems.add(mark.getLine() + 1, "", what);
      }
      return null;
    } catch (YAMLException e) {
      problems.addForFile("not valid YAML: " + e.getClass().getSimpleName() + "; expected a YAML document");
      return null;
    }
  }
}
