package dev.earlybird.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** One file of {@code dashboards/*.json} (Grafana's classic JSON model) and the queries in it. */
public record GrafanaDashboard(Path file, JsonNode json) {
  public static final Path DIRECTORY = Path.of("dashboards");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** {@code label_values(metric{matchers}, label)}: the only kind of query variable the dashboards use. */
  static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.+),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)$");

  /** Every {@code dashboards/*.json}, sorted by file name; a file that does not parse fails with its name. */
  public static List<GrafanaDashboard> all() throws IOException {
    try (Stream<Path> files = Files.list(DIRECTORY)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".json"))
          .sorted()
          .map(GrafanaDashboard::read)
          .toList();
    }
  }

  static GrafanaDashboard read(Path file) {
    try {
      return new GrafanaDashboard(file, JSON.readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(file + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  public String uid() {
    return json.path("uid").asText("");
  }

  /** How failure messages name the dashboard: its uid and file. */
  public String name() {
    return uid() + " (" + file + ")";
  }

  /** Every panel, those inside rows included, in file order. */
  public List<JsonNode> panels() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : json.path("panels")) {
      out.add(p);
      p.path("panels").forEach(out::add);
    }
    return out;
  }

  public static boolean isLayoutOnly(JsonNode panel) {
    String type = panel.path("type").asText();
    return type.equals("row") || type.equals("text");
  }

  public List<JsonNode> variables() {
    List<JsonNode> out = new ArrayList<>();
    json.path("templating").path("list").forEach(out::add);
    return out;
  }

  public Optional<JsonNode> variable(String name) {
    return variables().stream().filter(v -> v.path("name").asText().equals(name)).findFirst();
  }

  /** The text of a query variable's query (Grafana stores a string or an object with a "query" field). */
  public static String variableQuery(JsonNode variable) {
    JsonNode q = variable.path("query");
    return q.isObject() ? q.path("query").asText("") : q.asText("");
  }

  /**
   * A PromQL expression of the dashboard and where it is: a panel's target, or the metric selector of a query
   * variable's {@code label_values}.
   *
   * @param where e.g. {@code panel 7 "CPU by target" query A} or {@code variable "target"}
   * @param instant whether the panel query runs at one instant (then {@code $__range} means "over the range")
   * @param variable whether it comes from a variable (counters may be listed there without rate)
   * @param listedLabel the label a variable's {@code label_values} lists, empty for a panel query
   */
  public record Query(
      GrafanaDashboard dashboard, String where, String expr, boolean instant, boolean variable, Optional<String> listedLabel) {
    public String describe() {
      return "dashboard " + dashboard.name() + ", " + where;
    }
  }

  public List<Query> panelQueries() {
    List<Query> out = new ArrayList<>();
    for (JsonNode p : panels()) {
      for (JsonNode t : p.path("targets")) {
        out.add(new Query(this, panelName(p) + " query " + t.path("refId").asText("?"), t.path("expr").asText(""),
            t.path("instant").asBoolean(false) && !t.path("range").asBoolean(false), false, Optional.empty()));
      }
    }
    return out;
  }

  /** The metric selectors of the {@code label_values(...)} of each query variable. */
  public List<Query> variableQueries() {
    List<Query> out = new ArrayList<>();
    for (JsonNode v : variables()) {
      if (v.path("type").asText().equals("query")) {
        Matcher m = LABEL_VALUES.matcher(variableQuery(v).strip());
        String selector = m.matches() ? m.group(1) : variableQuery(v);
        out.add(new Query(this, "variable \"" + v.path("name").asText() + "\"", selector, false, true,
            m.matches() ? Optional.of(m.group(2)) : Optional.empty()));
      }
    }
    return out;
  }

  public List<Query> allQueries() {
    List<Query> out = new ArrayList<>(panelQueries());
    out.addAll(variableQueries());
    return out;
  }

  /** Every {@code earlybird_*} sample name the dashboard's panels and variables read. */
  public TreeSet<String> earlybirdMetrics() {
    TreeSet<String> names = new TreeSet<>();
    for (Query q : allQueries()) {
      for (PromQl.Selector s : PromQl.parse(q.expr()).selectors()) {
        if (s.metric().startsWith("earlybird_")) {
          names.add(s.metric());
        }
      }
    }
    return names;
  }

  public static String panelName(JsonNode panel) {
    return "panel " + panel.path("id").asText("?") + " \"" + panel.path("title").asText("") + "\"";
  }
}
