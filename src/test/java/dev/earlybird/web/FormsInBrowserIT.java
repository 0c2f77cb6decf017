package dev.earlybird.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.Secret;
import dev.earlybird.e2e.BrowserIT;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages' write forms in a real Chromium (Debian's, driven by Selenium), which sends its own Origin and
 * Sec-Fetch-Site headers: pin and delete a baseline, create and expire a silence, with the token typed in; a wrong
 * token changes nothing; the same under {@code web.basePath}. The agent's web server runs in-process on a real store.
 */
class FormsInBrowserIT {
  static final String TOKEN = WebSecurityTest.TOKEN;
  static final Path SHOTS = Path.of("target", "screenshots");

  @TempDir Path dir;

  @Test
  void aDbaPinsDeletesSilencesAndExpiresFromThePagesWithTheToken() throws Exception {
    Files.createDirectories(SHOTS);
    try (JdbcHistoryStore store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"), () -> WebSecurityTest.NOW.plusSeconds(1));
        HistoryWriter writer = new HistoryWriter(store, 8)) {
      WebSecurityTest.seed(store);
      WebDriver browser = BrowserIT.chromium();
      try (WebServer web = WebSecurityTest.server(store, writer, Optional.of(new Secret(TOKEN)), "");
          WebServer proxied = WebSecurityTest.server(store, writer, Optional.of(new Secret(TOKEN)), WebSecurityTest.BASE)) {
        String root = "http://127.0.0.1:" + web.port();
        browser.get(root + "/baselines");
        pin(browser, "before", "wrong-token");
        shown(browser, "#refused", "wrong token");
        assertThat(store.baselines()).isEmpty();
        assertThat(browser.findElement(By.cssSelector("#pin-form input[name=name]")).getAttribute("value"))
            .as("what was entered is kept").isEqualTo("before");

        pin(browser, "before", TOKEN);
        shown(browser, "#done", "Pinned baseline before.");
        assertThat(browser.getCurrentUrl()).doesNotContain(TOKEN);
        assertThat(store.baselines()).hasSize(1);
        screenshot(browser, "forms-baselines");
        submitWithToken(browser, browser.findElement(By.cssSelector("form[action='/baselines/before/delete']")));
        shown(browser, "#done", "Deleted baseline before.");
        assertThat(store.baselines()).isEmpty();

        browser.get(root + "/alerts");
        WebElement silence = browser.findElement(By.id("silence-form"));
        silence.findElement(By.name("tenant")).sendKeys("acme");
        silence.findElement(By.name("createdBy")).sendKeys("jane");
        silence.findElement(By.name("comment")).sendKeys("upgrade tonight");
        submitWithToken(browser, silence);
        shown(browser, "#done", "Created silence ");
        assertThat(store.alerting().silences().current(WebSecurityTest.NOW)).hasSize(1);
        screenshot(browser, "forms-alerts");
        submitWithToken(browser, browser.findElement(By.cssSelector("#silences-active form")));
        shown(browser, "#done", "Expired silence ");
        assertThat(store.alerting().silences().current(WebSecurityTest.NOW.plusSeconds(1))).isEmpty();

        browser.get("http://127.0.0.1:" + proxied.port() + WebSecurityTest.BASE + "/baselines");
        pin(browser, "behind-proxy", TOKEN);
        shown(browser, "#done", "Pinned baseline behind-proxy.");
        assertThat(browser.getCurrentUrl()).contains(WebSecurityTest.BASE + "/baselines?done=pinned");
      } finally {
        browser.quit();
      }
    }
  }

  private static void pin(WebDriver browser, String name, String token) {
    WebElement form = browser.findElement(By.id("pin-form"));
    for (var field : java.util.Map.of("name", name, "from", "2026-11-20T05:00:00Z", "to", "2026-11-20T06:00:00Z")
        .entrySet()) {
      WebElement input = form.findElement(By.name(field.getKey()));
      input.clear();
      input.sendKeys(field.getValue());
    }
    new Select(form.findElement(By.name("target"))).selectByValue("pg1");
    form.findElement(By.name("token")).sendKeys(token);
    form.findElement(By.cssSelector("button[type=submit]")).click();
  }

  private static void submitWithToken(WebDriver browser, WebElement form) {
    form.findElement(By.name("token")).sendKeys(TOKEN);
    form.findElement(By.cssSelector("button[type=submit]")).click();
  }

  /** Waits for the page the form's answer shows: an element whose text starts so (the page before may have one too). */
  private static void shown(WebDriver browser, String css, String start) {
    // The old page may go away between finding an element and reading it: that is not a failure, look again.
    new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .withMessage(() -> css + " starting with '" + start + "' on " + browser.getCurrentUrl() + ":\n"
            + browser.findElement(By.tagName("body")).getText())
        .until(d -> d.findElements(By.cssSelector(css)).stream().anyMatch(e -> e.getText().startsWith(start)));
  }

  private static void screenshot(WebDriver browser, String name) throws Exception {
    Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
