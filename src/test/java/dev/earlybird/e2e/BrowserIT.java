package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages in a real browser: Debian's headless Chromium (driven by Selenium through Debian's chromedriver, so
 * nothing is downloaded) against the real jar polling a real PostgreSQL with a small workload in two tenant
 * databases. A DBA's path: the fleet, the families, one family, one statement whose charts are drawn with data and
 * markers; a statement whose text holds markup and script is shown as text. Screenshots of every page go to
 * {@code target/screenshots}, a build artifact.
 */
public class BrowserIT {
  static final List<String> TENANTS = List.of("charts_a", "charts_b");
  static final String LOOKUP = "SELECT count(*) FROM chart_items WHERE k = ?";
  /** Sorts more than work_mem holds, so the temp blocks chart has something to show. */
  static final String SPILL = "SELECT count(DISTINCT v || k) FROM chart_items";
  static final String MARKUP =
      "SELECT 1 AS \"<script>alert('x')</script><img src=x id=injected>\" /* </pre><b id=bold>b</b> */";
  static final Path SHOTS = Path.of("target", "screenshots");
  static final String TOKEN = "browser-it-token-5f1c";
  /** Each chart's first series' stroke colour, as query-charts.js draws it. */
  static final Map<String, int[]> LINES = Map.of("chart-mean", new int[] {0x3b, 0x6e, 0xa8},
      "chart-calls", new int[] {0x2a, 0x7d, 0x4f}, "chart-cpu", new int[] {0xa6, 0x5f, 0x00},
      "chart-rows", new int[] {0x3b, 0x6e, 0xa8}, "chart-temp", new int[] {0x00, 0x83, 0x8f});

  @Test
  void aDbaDrillsFromTheFleetToAStatementWhoseChartsAreDrawnWithData(@TempDir Path dir) throws Exception {
    PgServer pg = PostgresServers.shared(17);
    for (String db : TENANTS) {
      pg.createDatabase(db);
      pg.execute(db, "CREATE TABLE IF NOT EXISTS chart_items AS SELECT g % 5000 AS k, md5(g::text) AS v"
          + " FROM generate_series(1, 20000) g");
      pg.execute(db, "CREATE INDEX IF NOT EXISTS chart_items_k ON chart_items (k)");
    }
    int port = AgentProcess.freePort();
    Path cfg = dir.resolve("earlybird.yml");
    Files.writeString(cfg, """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 1s, textRefresh: 1s }
        advisor: { enabled: true, interval: 3s, catalogRefresh: 10s }
        web: { token: "%s" }
        targets:
          - name: main
            url: "%s"
            user: postgres
            databases: { include: ["^charts_"] }
            advisor: { enabled: true, url: "%s" }
        analysis:
          hot: { top: 25, findings: 5 }
          baseline: { mode: rolling, lookback: 20s }
          regression: { window: 3s, minCalls: 5, minExtraPerHour: 1ms, persistence: 2, resolveAfter: 50 }
        """.formatted(port, dir.resolve("store.duckdb"), TOKEN, pg.jdbcUrl("postgres"), pg.jdbcUrl("postgres")));
    Path log = dir.resolve("agent.log");
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> load = TENANTS.stream().map(db -> Thread.ofPlatform().daemon().start(() -> work(pg, db, running)))
        .toList();
    Files.createDirectories(SHOTS);
    WebDriver browser = null;
    try (AgentProcess agent = AgentProcess.run(cfg, port, log)) {
      String lookupA = await("the lookup in charts_a has a series, its text and a hot finding")
          .atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1))
          .until(() -> ready(agent), id -> id != null);
      pg.execute(TENANTS.get(0), MARKUP); // after the first polls: a statement the agent sees arrive
      Path downloads = Files.createDirectories(dir.resolve("downloads"));
      browser = chromium(downloads);
      String base = "http://127.0.0.1:" + port;

      browser.get(base + "/");
      assertThat(browser.findElement(By.tagName("body")).getText()).contains("main");
      screenshot(browser, "1-fleet");

      browser.findElement(By.linkText("Hot queries")).click(); // the nav's hot list opens on families
      WebElement family = browser.findElements(By.cssSelector("a[href^='/families/']")).stream()
          .filter(a -> a.findElement(By.xpath("./ancestor::tr")).getText().contains("chart_items WHERE k"))
          .findFirst().orElseThrow(() -> new AssertionError("no family row for the lookup"));
      screenshot(browser, "2-families");
      family.click();
      assertThat(browser.findElement(By.tagName("body")).getText()).contains("charts_a", "charts_b");
      screenshot(browser, "3-family");

      JsonNode before = agent.json("/api/v1/queries/main/charts_a/" + lookupA);
      int pointsBefore = before.get("series").size();
      int plansBefore = Math.min(1, before.path("plans").path("plans").size());
      browser.findElement(By.cssSelector("a[href*='/charts_a/" + lookupA + "']")).click();
      assertThat(browser.getCurrentUrl()).contains("/queries/main/charts_a/" + lookupA);
      WebElement charts = new WebDriverWait(browser, Duration.ofSeconds(10))
          .until(d -> d.findElement(By.cssSelector("#charts[data-drawn='true']")));
      List<WebElement> drawn = charts.findElements(By.cssSelector("div.chart"));
      assertThat(drawn).extracting(e -> e.getAttribute("id"))
          .containsExactly("chart-mean", "chart-siblings", "chart-calls", "chart-cpu", "chart-rows", "chart-temp");
      // The same SQL in the other tenant's database, per hour against the fleet's median.
      WebElement siblings = drawn.get(1);
      assertThat(siblings.findElement(By.tagName("canvas")).getSize().getWidth()).isGreaterThan(300);
      assertThat(Integer.parseInt(siblings.getAttribute("data-series"))).as("median and this database at least")
          .isGreaterThanOrEqualTo(2);
      assertThat(siblings.findElement(By.cssSelector(".u-legend")).getText()).contains("fleet median", "this database");
      for (WebElement chart : drawn.stream().filter(c -> LINES.containsKey(c.getAttribute("id"))).toList()) {
        WebElement canvas = chart.findElement(By.tagName("canvas"));
        assertThat(canvas.getSize().getWidth()).as(chart.getAttribute("id")).isGreaterThan(300);
        assertThat(canvas.getSize().getHeight()).as(chart.getAttribute("id")).isGreaterThan(100);
        assertThat(Integer.parseInt(chart.getAttribute("data-points"))).isGreaterThanOrEqualTo(pointsBefore);
        assertThat(pixelsOf(browser, canvas, LINES.get(chart.getAttribute("id"))))
            .as("the first series' line drawn on " + chart.getAttribute("id")).isGreaterThan(50);
        assertThat(chart.findElements(By.cssSelector(".u-axis"))).as("x and y axes").hasSize(2);
      }
      assertThat(drawn.get(0).getAttribute("data-series")).as("mean, baseline mean and its band").isEqualTo("4");
      assertThat(drawn.get(0).findElement(By.cssSelector(".u-legend")).getText())
          .contains("mean per call", "baseline mean", "baseline + 1 sd");
      assertThat(drawn).allSatisfy(chart -> {
        assertThat(Integer.parseInt(chart.getAttribute("data-finding-markers"))).as("where the hot finding began")
            .isGreaterThanOrEqualTo(1);
        assertThat(Integer.parseInt(chart.getAttribute("data-plan-markers"))).as("where the advisor saw the plan")
            .isGreaterThanOrEqualTo(plansBefore);
      });
      assertThat(browser.findElements(By.cssSelector("#series tbody tr"))).hasSizeBetween(1, 50);
      screenshot(browser, "4-statement");

      // The statement whose text is markup: shown as text, nothing runs, nothing is injected.
      String markupId = queryIdOf(agent, "alert('x')");
      browser.get(base + "/queries/main/charts_a/" + markupId);
      assertThat(browser.findElement(By.id("query")).getText()).contains("<script>alert('x')</script><img src=x");
      assertThat(browser.findElements(By.id("injected"))).isEmpty();
      assertThat(browser.findElements(By.id("bold"))).isEmpty();
      assertThat(browser.findElements(By.tagName("script"))).extracting(s -> s.getAttribute("src"))
          .allSatisfy(src -> assertThat(src).contains("/assets/"));
      WebDriver b = browser;
      assertThatThrownBy(() -> b.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
      screenshot(browser, "5-markup-statement");

      theHotListFiltersSortsAndDownloadsWhatItShows(browser, base, downloads);
      for (String page : List.of("findings", "advice", "alerts", "reviews")) {
        browser.get(base + "/" + page);
        assertThat(browser.findElements(By.tagName("h1"))).as(page).hasSize(1);
        assertThat(browser.findElements(By.id("injected"))).as(page).isEmpty();
        screenshot(browser, "7-" + page);
      }
      aBaselineIsPinnedFromItsPageWithTheToken(browser, base, agent);
      assertThat(agent.stop()).isIn(0, 143);
    } catch (AssertionError | RuntimeException e) {
      String at = "";
      if (browser != null) {
        screenshot(browser, "failed"); // what the browser showed when the test failed, for the CI artifacts
        at = "\n--- the browser was at " + browser.getCurrentUrl();
      }
      throw new AssertionError(
          e.getMessage() + at + "\n--- end of the agent's log:\n" + tail(Files.readString(log)), e);
    } finally {
      if (browser != null) {
        browser.quit();
      }
      running.set(false);
      for (Thread t : load) {
        t.join(5000);
      }
    }
  }

  /** The lookup's queryid in charts_a once its page has something to draw and a finding to mark; else null. */
  private static String ready(AgentProcess agent) throws Exception {
    JsonNode hot = agent.json("/api/v1/hot-queries?target=main&database=charts_a&limit=100").get("queries");
    for (JsonNode h : hot) {
      if (h.path("query").asText().contains("chart_items WHERE k")) {
        String id = h.get("queryId").asText();
        JsonNode q = agent.json("/api/v1/queries/main/charts_a/" + id);
        boolean ok = q.get("series").size() >= 5 && q.get("findings").size() >= 1
            && agent.json("/api/v1/families").get("families").size() >= 1;
        return ok ? id : null;
      }
    }
    return null;
  }

  private static String queryIdOf(AgentProcess agent, String textPart) throws Exception {
    return await("the markup statement's text is stored").atMost(Duration.ofSeconds(20)).until(() -> {
      for (JsonNode h : agent.json("/api/v1/hot-queries?target=main&database=charts_a&limit=100").get("queries")) {
        if (h.path("query").asText().contains(textPart)) {
          return h.get("queryId").asText();
        }
      }
      return null;
    }, id -> id != null);
  }

  /**
   * The hot list by statement: filtered to one database through the form, sorted by calls both ways through the
   * headers, and the CSV link downloads exactly the rows on screen, in their order.
   */
  private static void theHotListFiltersSortsAndDownloadsWhatItShows(WebDriver browser, String base, Path downloads)
      throws Exception {
    browser.get(base + "/hot");
    WebElement form = browser.findElement(By.id("window"));
    form.findElement(By.name("database")).sendKeys(TENANTS.get(1));
    form.findElement(By.cssSelector("button[type=submit]")).click();
    await("the filtered list").atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().contains("database="));
    List<WebElement> rows = browser.findElements(By.cssSelector("#hot tbody tr"));
    assertThat(rows).isNotEmpty();
    assertThat(rows).allSatisfy(r -> assertThat(r.getText()).contains(TENANTS.get(1)).doesNotContain(TENANTS.get(0)));

    browser.findElement(By.linkText("Calls")).click();
    await("sorted by calls").atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().contains("sort=calls"));
    List<Long> calls = column(browser, 4);
    assertThat(calls).as("most calls first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
    browser.findElement(By.linkText("Calls")).click();
    await("and the other way").atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().contains("order=asc"));
    List<Long> ascending = column(browser, 4);
    assertThat(ascending).as("fewest calls first").isSorted();
    screenshot(browser, "6-hot");

    List<String> shown = browser.findElements(By.cssSelector("#hot tbody tr")).stream()
        .map(r -> r.findElement(By.cssSelector("a[href*='/queries/main/']")).getAttribute("href"))
        .map(href -> href.substring(href.lastIndexOf('/') + 1)).toList();
    browser.findElement(By.partialLinkText("as CSV")).click();
    Path csv = await("the CSV download").atMost(Duration.ofSeconds(15)).until(() -> {
      try (var files = Files.list(downloads)) {
        // Chromium writes to a .crdownload file and renames it to the .csv when done.
        return files.filter(f -> f.toString().endsWith(".csv")).findFirst().orElse(null);
      }
    }, f -> f != null);
    List<List<String>> records = csvRecords(Files.readString(csv));
    List<String> header = records.get(0);
    int queryId = header.indexOf("queryId");
    int database = header.indexOf("database");
    assertThat(queryId).as("a queryId column in " + header).isGreaterThanOrEqualTo(0);
    List<List<String>> data = records.subList(1, records.size());
    assertThat(data).as("the rows on screen, in their order").extracting(r -> r.get(queryId))
        .containsExactlyElementsOf(shown);
    assertThat(data).extracting(r -> r.get(database)).containsOnly(TENANTS.get(1));
  }

  /** RFC 4180 as a spreadsheet reads it: quoted fields may hold commas, doubled quotes and line breaks. */
  private static List<List<String>> csvRecords(String text) {
    List<List<String>> records = new java.util.ArrayList<>();
    List<String> record = new java.util.ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        record.add(field.toString());
        field.setLength(0);
        records.add(record);
        record = new java.util.ArrayList<>();
      } else {
        field.append(c);
      }
    }
    if (field.length() > 0 || !record.isEmpty()) {
      record.add(field.toString());
      records.add(record);
    }
    return records;
  }

  /** The numbers of a column of the hot table ("1,234" as people read them). */
  private static List<Long> column(WebDriver browser, int index) {
    return browser.findElements(By.cssSelector("#hot tbody tr td:nth-child(" + index + ")")).stream()
        .map(td -> Long.parseLong(td.getText().replace(",", "").strip())).toList();
  }

  /** Pinned through the form with the token; the baseline is then in the API and its comparison page shows rows. */
  private static void aBaselineIsPinnedFromItsPageWithTheToken(WebDriver browser, String base, AgentProcess agent)
      throws Exception {
    browser.get(base + "/baselines");
    WebElement form = browser.findElement(By.id("pin-form"));
    java.time.Instant now = java.time.Instant.now();
    form.findElement(By.name("name")).sendKeys("before-release");
    form.findElement(By.name("from")).sendKeys(now.minusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        .toString());
    form.findElement(By.name("to")).sendKeys(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    form.findElement(By.name("token")).sendKeys(TOKEN);
    form.findElement(By.cssSelector("button[type=submit]")).click();
    await("the pinned baseline listed").atMost(Duration.ofSeconds(10))
        .until(() -> browser.findElement(By.tagName("body")).getText().contains("Pinned baseline before-release"));
    assertThat(agent.json("/api/v1/baselines").get("baselines")).extracting(b -> b.get("name").asText())
        .contains("before-release");
    assertThat(browser.getPageSource()).doesNotContain(TOKEN);
    screenshot(browser, "8-baselines");
    browser.findElement(By.linkText("before-release")).click();
    assertThat(browser.findElements(By.cssSelector("table tbody tr"))).as("statements compared").isNotEmpty();
    screenshot(browser, "9-baseline-compare");
  }

  /** Debian's Chromium and chromedriver: Selenium Manager stays idle when both paths are given. */
  public static WebDriver chromium() {
    return chromium(null);
  }

  /** @param downloads where downloads go without asking; null: the browser's default */
  static WebDriver chromium(Path downloads) {
    ChromeOptions options = new ChromeOptions();
    if (downloads != null) {
      options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toAbsolutePath().toString(),
          "download.prompt_for_download", false));
    }
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,2400");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build();
    WebDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    return driver;
  }

  /** Pixels of the given colour (the line of a chart's first series) in its canvas: the data, not the grid. */
  private static long pixelsOf(WebDriver browser, WebElement canvas, int[] rgb) {
    Object n = ((JavascriptExecutor) browser).executeScript("""
        const c = arguments[0], rgb = arguments[1], d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3] > 200 && Math.abs(d[i] - rgb[0]) < 24 && Math.abs(d[i + 1] - rgb[1]) < 24
              && Math.abs(d[i + 2] - rgb[2]) < 24) n++;
        }
        return n;""", canvas, List.of(rgb[0], rgb[1], rgb[2]));
    return ((Number) n).longValue();
  }

  private static void screenshot(WebDriver browser, String name) throws Exception {
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve(name + ".png"), png);
  }

  /** Lookups every 20 ms, and every second a sort larger than work_mem (temp blocks). */
  private static void work(PgServer pg, String db, AtomicBoolean running) {
    int i = 0;
    while (running.get()) {
      try (Connection c = pg.superuser(db); PreparedStatement ps = c.prepareStatement(LOOKUP);
          Statement s = c.createStatement()) {
        s.execute("SET work_mem = '64kB'");
        while (running.get()) {
          ps.setInt(1, i++ % 5000);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
          }
          if (i % 50 == 0) {
            s.execute(SPILL);
          }
          LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
      } catch (SQLException e) {
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      }
    }
  }

  private static String tail(String s) {
    String[] lines = s.split("\n");
    return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
  }
}
