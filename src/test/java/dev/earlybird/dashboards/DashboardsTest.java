package dev.earlybird.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.earlybird.dashboards.GrafanaDashboard.Query;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Grafana needs to import or provision {@code dashboards/*.json} and what a reviewer of a dashboard checks,
 * without a Grafana: the minimum fields, a {@code datasource} variable used everywhere, chained
 * {@code label_values} variables, panels on a 24-column grid, units, {@code $__rate_interval}, counters only inside
 * rate/irate/increase, links between the dashboards, and the provisioning example. Whether each metric exists is
 * checked against a running agent by {@code DashboardMetricsIT}.
 *
 * <p>Every check collects all problems of all dashboards, each naming dashboard, panel (or variable) and metric.
 */
class DashboardsTest {
  static final Map<String, String> SHIPPED = Map.of(
      "earlybird-fleet", "earlybird-fleet.json",
      "earlybird-tenant", "earlybird-tenant.json",
      "earlybird-statements", "earlybird-statements.json",
      "earlybird-agent", "earlybird-agent.json");
  static final String DATASOURCE_REF = "{\"type\":\"prometheus\",\"uid\":\"${datasource}\"}";
  static final int SCHEMA_VERSION = 39;
  static final Set<String> GRAFANA_VARIABLES = Set.of("__rate_interval", "__range", "__interval", "__url_time_range");
  /** Grafana unit ids the dashboards use; custom units ("suffix:...") are allowed too. Extend when needed. */
  static final Set<String> UNITS = Set.of(
      "s", "ms", "bytes", "Bps", "percentunit", "percent", "none", "short", "ops", "cps", "reqps");
  static final Pattern VARIABLE_USE = Pattern.compile("\\$(?:\\{([a-zA-Z0-9_]+)(?::[a-z]+)?}|([a-zA-Z0-9_]+))");
  static final Pattern DASHBOARD_URL = Pattern.compile("^/d/([a-zA-Z0-9_-]+)");

  static List<GrafanaDashboard> dashboards;
  static MetricCatalogue catalogue;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void load() throws IOException {
    dashboards = GrafanaDashboard.all();
    catalogue = MetricCatalogue.readme();
  }

  private static void assertNoProblems(List<String> problems, String what) {
    assertThat(problems).withFailMessage(() -> what + ":\n  " + String.join("\n  ", problems)).isEmpty();
  }

  @Test
  void theFourDashboardsParseAndHaveTheirStableUids() {
    Map<String, String> byUid = new HashMap<>();
    dashboards.forEach(d -> byUid.put(d.uid(), d.file().getFileName().toString()));
    assertThat(byUid).as("uid -> file of dashboards/*.json").containsAllEntriesOf(SHIPPED);
  }

  @Test
  void everyDashboardHasTheMinimumFields() {
    List<String> problems = new ArrayList<>();
    Map<String, Path> uids = new HashMap<>();
    Map<String, Path> titles = new HashMap<>();
    for (GrafanaDashboard d : dashboards) {
      JsonNode j = d.json();
      String uid = d.uid();
      if (uid.isBlank() || uid.length() > 40 || !uid.matches("[a-zA-Z0-9_-]+")) {
        problems.add(d.file() + ": uid must be 1..40 characters of [a-zA-Z0-9_-], got \"" + uid + "\"");
      }
      Path other = uids.put(uid, d.file());
      if (other != null) {
        problems.add(d.file() + ": uid \"" + uid + "\" is also the uid of " + other);
      }
      String title = j.path("title").asText("");
      if (title.isBlank()) {
        problems.add(d.name() + ": no title");
      } else if ((other = titles.put(title, d.file())) != null) {
        problems.add(d.name() + ": title \"" + title + "\" is also the title of " + other);
      }
      if (!j.has("id") || !j.get("id").isNull()) {
        problems.add(d.name() + ": id must be null (Grafana assigns it on import), got " + j.get("id"));
      }
      if (j.path("schemaVersion").asInt() != SCHEMA_VERSION) {
        problems.add(d.name() + ": schemaVersion must be " + SCHEMA_VERSION + ", got " + j.get("schemaVersion"));
      }
      List<String> tags = new ArrayList<>();
      j.path("tags").forEach(t -> tags.add(t.asText()));
      if (!tags.contains("earlybird")) {
        problems.add(d.name() + ": tags must contain \"earlybird\", got " + tags);
      }
      if (j.path("time").path("from").asText("").isBlank() || j.path("time").path("to").asText("").isBlank()) {
        problems.add(d.name() + ": time.from and time.to are required");
      }
      if (j.path("refresh").asText("").isBlank()) {
        problems.add(d.name() + ": refresh is required");
      }
      if (!j.path("templating").path("list").isArray()) {
        problems.add(d.name() + ": templating.list is required");
      }
      if (!j.path("panels").isArray() || j.path("panels").isEmpty()) {
        problems.add(d.name() + ": no panels");
      }
      if (j.path("description").asText("").isBlank()) {
        problems.add(d.name() + ": no description");
      }
    }
    assertNoProblems(problems, "dashboard fields");
  }

  @Test
  void aDatasourceVariableFeedsEveryQueryVariableAndVariablesChainInOrder() {
    List<String> problems = new ArrayList<>();
    for (GrafanaDashboard d : dashboards) {
      var ds = d.variable("datasource");
      if (ds.isEmpty()) {
        problems.add(d.name() + ": no variable named \"datasource\"");
      } else if (!ds.get().path("type").asText().equals("datasource")
          || !ds.get().path("query").asText().equals("prometheus")) {
        problems.add(d.name() + ": variable \"datasource\" must have type datasource and query prometheus, got "
            + ds.get().path("type") + " / " + ds.get().path("query"));
      }
      Set<String> defined = new HashSet<>();
      for (JsonNode v : d.variables()) {
        String name = v.path("name").asText();
        String where = d.name() + ", variable \"" + name + "\"";
        if (v.path("type").asText().equals("query")) {
          if (!v.path("datasource").equals(ref())) {
            problems.add(where + ": datasource must be " + DATASOURCE_REF + ", got " + v.path("datasource"));
          }
          String query = GrafanaDashboard.variableQuery(v).strip();
          Matcher lv = GrafanaDashboard.LABEL_VALUES.matcher(query);
          if (!lv.matches()) {
            problems.add(where + ": query must be label_values(metric{...}, label), got " + query);
          } else if (!lv.group(1).strip().startsWith("earlybird_")) {
            problems.add(where + ": label_values must read an earlybird_* metric, got " + lv.group(1));
          }
          if (v.path("refresh").asInt() != 2) {
            problems.add(where + ": refresh must be 2 (on time range change) so new targets and tenants appear");
          }
          if (v.path("includeAll").asBoolean() && v.path("allValue").asText("").isBlank()) {
            problems.add(where + ": includeAll needs an allValue (\".*\"), or All sends every value as a huge regex");
          }
          for (String used : variablesUsed(query)) {
            if (!defined.contains(used) && !GRAFANA_VARIABLES.contains(used)) {
              problems.add(where + ": uses $" + used + ", which is not a variable defined before it");
            }
          }
        }
        defined.add(name);
      }
    }
    assertNoProblems(problems, "variables");
  }

  @Test
  void panelsHaveUniqueIdsATypeAPlaceOnTheGridAndTheDatasourceVariable() {
    List<String> problems = new ArrayList<>();
    for (GrafanaDashboard d : dashboards) {
      Set<Integer> ids = new HashSet<>();
      List<int[]> boxes = new ArrayList<>();
      List<String> boxNames = new ArrayList<>();
      for (JsonNode p : d.panels()) {
        String where = d.name() + ", " + GrafanaDashboard.panelName(p);
        if (!p.path("id").canConvertToInt() || !ids.add(p.path("id").asInt())) {
          problems.add(where + ": id must be a number unique in the dashboard");
        }
        if (p.path("type").asText("").isBlank()) {
          problems.add(where + ": no type");
        }
        if (p.path("title").asText("").isBlank()) {
          problems.add(where + ": no title");
        }
        JsonNode g = p.path("gridPos");
        int x = g.path("x").asInt(-1), y = g.path("y").asInt(-1), w = g.path("w").asInt(0), h = g.path("h").asInt(0);
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > 24) {
          problems.add(where + ": gridPos must have x >= 0, y >= 0, w >= 1, h >= 1 and x + w <= 24, got " + g);
        } else {
          for (int b = 0; b < boxes.size(); b++) {
            int[] o = boxes.get(b);
            if (x < o[0] + o[2] && o[0] < x + w && y < o[1] + o[3] && o[1] < y + h) {
              problems.add(where + ": overlaps " + boxNames.get(b));
            }
          }
          boxes.add(new int[] {x, y, w, h});
          boxNames.add(GrafanaDashboard.panelName(p));
        }
        if (GrafanaDashboard.isLayoutOnly(p)) {
          continue;
        }
        if (!p.path("datasource").equals(ref())) {
          problems.add(where + ": datasource must be " + DATASOURCE_REF + ", got " + p.path("datasource"));
        }
        if (p.path("description").asText("").isBlank()) {
          problems.add(where + ": no description (the (i) a user hovers to learn what the panel shows)");
        }
        String unit = p.path("fieldConfig").path("defaults").path("unit").asText("");
        if (unit.isBlank()) {
          problems.add(where + ": fieldConfig.defaults.unit is not set");
        } else if (!UNITS.contains(unit) && !unit.matches("(suffix|prefix|si|count):.+")) {
          problems.add(where + ": unknown unit \"" + unit + "\" (known: " + UNITS + ", or suffix:...)");
        }
        if (!p.path("targets").isArray() || p.path("targets").isEmpty()) {
          problems.add(where + ": no targets");
        }
        Set<String> refIds = new HashSet<>();
        for (JsonNode t : p.path("targets")) {
          String refId = t.path("refId").asText("");
          if (refId.isBlank() || !refIds.add(refId)) {
            problems.add(where + ": target refIds must be set and unique, got \"" + refId + "\"");
          }
          if (t.path("expr").asText("").isBlank()) {
            problems.add(where + " query " + refId + ": no expr");
          }
          if (t.has("datasource") && !t.path("datasource").equals(ref())) {
            problems.add(where + " query " + refId + ": datasource must be " + DATASOURCE_REF + ", got " + t.path("datasource"));
          }
        }
      }
    }
    assertNoProblems(problems, "panels");
  }

  @Test
  void everyExpressionReadsAndUsesOnlyDefinedVariables() {
    List<String> problems = new ArrayList<>();
    for (GrafanaDashboard d : dashboards) {
      Set<String> defined = new HashSet<>();
      d.variables().forEach(v -> defined.add(v.path("name").asText()));
      for (Query q : d.panelQueries()) {
        PromQl.parse(q.expr()).problems().forEach(p -> problems.add(q.describe() + ": " + p + " in " + q.expr()));
        for (String used : variablesUsed(q.expr())) {
          if (!defined.contains(used) && !GRAFANA_VARIABLES.contains(used)) {
            problems.add(q.describe() + ": uses $" + used + ", which the dashboard does not define");
          }
        }
      }
      for (Query q : d.variableQueries()) {
        PromQl.parse(q.expr()).problems().forEach(p -> problems.add(q.describe() + ": " + p + " in " + q.expr()));
      }
    }
    assertNoProblems(problems, "expressions");
  }

  /**
   * {@code $__rate_interval} is at least four scrape intervals, so a rate always has two samples whatever the zoom.
   * The one other range allowed is {@code $__range} in an instant query: "over the selected time range" for tables
   * and stats that total a range (errors in range, top statements over the range).
   */
  @Test
  void everyRangeIsTheRateIntervalOrTheWholeRangeOfAnInstantQuery() {
    List<String> problems = new ArrayList<>();
    for (GrafanaDashboard d : dashboards) {
      for (Query q : d.panelQueries()) {
        for (PromQl.Selector s : PromQl.parse(q.expr()).selectors()) {
          if (s.range().isEmpty()) {
            if (s.insideAnyOf(PromQl.COUNTER_FUNCTIONS) && s.enclosing().getLast().matches("rate|irate|increase")) {
              problems.add(q.describe() + ": " + s.metric() + " inside " + s.enclosing().getLast() + "() has no range");
            }
            continue;
          }
          String range = s.range().get();
          boolean ok = range.equals("$__rate_interval") || (range.equals("$__range") && q.instant());
          if (!ok) {
            problems.add(q.describe() + ": " + s.metric() + "[" + range + "] must use [$__rate_interval]"
                + (range.equals("$__range") ? " ($__range only in an instant query)" : ""));
          }
        }
      }
    }
    assertNoProblems(problems, "ranges");
  }

  @Test
  void countersAppearOnlyInsideRateIrateOrIncrease() {
    List<String> problems = new ArrayList<>();
    for (GrafanaDashboard d : dashboards) {
      for (Query q : d.panelQueries()) {
        for (PromQl.Selector s : PromQl.parse(q.expr()).selectors()) {
          if (catalogue.isCounterSample(s.metric()) && !s.insideAnyOf(PromQl.COUNTER_FUNCTIONS)) {
            problems.add(q.describe() + ": counter " + s.metric() + " outside rate/irate/increase (its raw value "
                + "is meaningless and drops at every agent restart), in " + q.expr());
          }
        }
      }
    }
    assertNoProblems(problems, "counters");
  }

  /** Two agents (two jobs) must not mix in one panel when the user picked one. */
  @Test
  void everySelectorFiltersByTheJobVariable() {
    List<String> problems = new ArrayList<>();
    for (GrafanaDashboard d : dashboards) {
      for (Query q : d.allQueries()) {
        if (q.where().equals("variable \"job\"")) {
          continue;
        }
        for (PromQl.Selector s : PromQl.parse(q.expr()).selectors()) {
          var job = s.matcher("job");
          if (job.isEmpty() || !job.get().op().equals("=~") || !job.get().value().equals("$job")) {
            problems.add(q.describe() + ": " + s.metric() + " must have job=~\"$job\", in " + q.expr());
          }
        }
      }
    }
    assertNoProblems(problems, "job filter");
  }

  @Test
  void linksGoFromFleetToTenantToStatementsAndOnlyToShippedDashboards() {
    List<String> problems = new ArrayList<>();
    Set<String> uids = new HashSet<>();
    dashboards.forEach(d -> uids.add(d.uid()));
    Map<String, Set<String>> dashboardLinks = new HashMap<>();
    Map<String, Set<String>> dataLinks = new HashMap<>();
    for (GrafanaDashboard d : dashboards) {
      for (JsonNode l : d.json().path("links")) {
        linkTarget(l.path("url").asText("")).ifPresent(uid -> {
          dashboardLinks.computeIfAbsent(d.uid(), k -> new HashSet<>()).add(uid);
          if (!uids.contains(uid)) {
            problems.add(d.name() + ": dashboard link \"" + l.path("title").asText() + "\" goes to unknown uid " + uid);
          }
        });
        if (l.path("type").asText().equals("link") && !l.path("includeVars").asBoolean()) {
          problems.add(d.name() + ": dashboard link \"" + l.path("title").asText() + "\" should carry the variables (includeVars)");
        }
      }
      for (JsonNode p : d.panels()) {
        for (JsonNode l : p.path("fieldConfig").path("defaults").path("links")) {
          linkTarget(l.path("url").asText("")).ifPresent(uid -> {
            dataLinks.computeIfAbsent(d.uid(), k -> new HashSet<>()).add(uid);
            if (!uids.contains(uid)) {
              problems.add(d.name() + ", " + GrafanaDashboard.panelName(p) + ": data link goes to unknown uid " + uid);
            }
          });
        }
      }
    }
    for (String[] hop : new String[][] {{"earlybird-fleet", "earlybird-tenant"}, {"earlybird-tenant", "earlybird-statements"}}) {
      if (!dashboardLinks.getOrDefault(hop[0], Set.of()).contains(hop[1])) {
        problems.add(hop[0] + ": no dashboard link to " + hop[1]);
      }
      if (!dataLinks.getOrDefault(hop[0], Set.of()).contains(hop[1])) {
        problems.add(hop[0] + ": no panel data link to " + hop[1] + " (click a tenant/database to drill down)");
      }
    }
    assertNoProblems(problems, "links");
  }

  @Test
  void provisioningExampleLoadsTheDashboardsAndNamesTheDatasourceTheyExpect() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode providers = yaml.readTree(Path.of("dashboards/provisioning/dashboards.yml").toFile());
    assertThat(providers.path("apiVersion").asInt()).isEqualTo(1);
    assertThat(providers.path("providers")).hasSize(1);
    JsonNode provider = providers.path("providers").get(0);
    assertThat(provider.path("type").asText()).isEqualTo("file");
    assertThat(provider.path("options").path("path").asText()).as("provider options.path").isNotBlank();

    JsonNode datasources = yaml.readTree(Path.of("dashboards/provisioning/datasources.yml").toFile());
    assertThat(datasources.path("apiVersion").asInt()).isEqualTo(1);
    JsonNode ds = datasources.path("datasources").get(0);
    assertThat(ds.path("type").asText()).isEqualTo("prometheus");
    for (GrafanaDashboard d : dashboards) {
      JsonNode current = d.variable("datasource").orElseThrow().path("current");
      assertThat(current.path("value").asText())
          .as("%s: default of the datasource variable is the provisioned datasource's uid", d.name())
          .isEqualTo(ds.path("uid").asText());
      assertThat(current.path("text").asText())
          .as("%s: default text of the datasource variable is the provisioned datasource's name", d.name())
          .isEqualTo(ds.path("name").asText());
    }
  }

  @Test
  void readmesPointToTheDashboards() throws IOException {
    assertThat(Files.readString(Path.of("README.md"))).contains("## Grafana dashboards").contains("dashboards/README.md");
    String guide = Files.readString(Path.of("dashboards/README.md"));
    for (GrafanaDashboard d : dashboards) {
      assertThat(guide).as("dashboards/README.md names %s", d.file().getFileName()).contains(d.file().getFileName().toString());
    }
    assertThat(guide).contains("metrics.statements").contains("provisioning/");
  }

  private static JsonNode ref() {
    try {
      return JSON.readTree(DATASOURCE_REF);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Set<String> variablesUsed(String text) {
    Set<String> out = new HashSet<>();
    Matcher m = VARIABLE_USE.matcher(text);
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return out;
  }

  private static java.util.Optional<String> linkTarget(String url) {
    Matcher m = DASHBOARD_URL.matcher(url);
    return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
  }
}
