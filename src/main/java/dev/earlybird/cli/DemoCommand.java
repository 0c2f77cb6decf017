package dev.earlybird.cli;

import dev.earlybird.Agent;
import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.ConfigException;
import dev.earlybird.config.ConfigLoader;
import dev.earlybird.config.Durations;
import dev.earlybird.config.HostPort;
import dev.earlybird.demo.DemoFleet;
import dev.earlybird.web.AddressInUseException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = dev.earlybird.Version.class,
    description =
        "A first run: starts an embedded PostgreSQL with tenant databases and a workload, and the agent on it.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9860",
      description = "UI/API/metrics address (default ${DEFAULT-VALUE}; port 0 picks a free one)")
  String listen;

  @Option(names = "--data", paramLabel = "DIR", description = "Keep the demo's PostgreSQL and history here (default: a new temporary directory)")
  Path data;

  @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "10s",
      description = "Poll interval (default ${DEFAULT-VALUE})")
  String interval;

  @Option(names = "--regress-after", paramLabel = "DURATION",
      description = "When to inject the demo's regression (drop an index in tenant_" + DemoFleet.REGRESSED_TENANT
          + "); default: once the baseline has filled (15 poll intervals); 'never' to keep the fleet healthy")
  String regressAfter;

  @Option(names = "--review-after", paramLabel = "DURATION",
      description = "When tenant " + DemoFleet.REGRESSED_TENANT + "'s morning review runs (its workday is made to "
          + "start then plus the lead time, in its own zone); default: 3 minutes after the regression")
  String reviewAfter;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:EARLYBIRD_WEB_TOKEN}",
      description = "The web token that write actions (pinning a baseline) need (default: $EARLYBIRD_WEB_TOKEN, "
          + "else a new random one, printed at the start)")
  String token;

  @Option(names = "--webhook", paramLabel = "URL",
      description = "Also send the demo's alerts and reviews to this URL (a signed webhook; see README)")
  String webhook;

  @Spec CommandSpec spec;

  /** The tenant zones of the demo: one tenant each in New York, London, Sydney and Kolkata (+5:30). */
  static final String REVIEWED_ZONE = "Asia/Kolkata";

  /**
   * The demo's config, as YAML, so it goes through the same validation as a user's. Analysis windows scale
   * with the poll interval so that a regression shows within minutes: window 3 polls, rolling baseline 12; the
   * advisor passes and re-reads catalogs every window, so the dropped index shows as advice within minutes too.
   */
  static String config(String listen, Path store, String jdbcUrl, String interval) {
    return config(listen, store, jdbcUrl, interval, Instant.now().plus(Duration.ofHours(1)), Optional.empty(),
        newToken());
  }

  /** A random token for the demo's writes: 32 bytes, URL-safe, so it pastes into a shell and a header as is. */
  static String newToken() {
    byte[] bytes = new byte[32];
    new java.security.SecureRandom().nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * @param reviewAt when tenant umbrella's morning review runs: its workday starts then plus the lead time (90m),
   *     every day of the week, so the demo shows a review whatever day it is started
   * @param webhook a URL that also gets every alert and review
   * @param token the web token for write actions
   */
  static String config(String listen, Path store, String jdbcUrl, String interval, Instant reviewAt,
      Optional<String> webhook, String token) {
    Duration poll = Durations.parse(interval);
    String start = reviewAt.plus(LEAD_TIME).atZone(java.time.ZoneId.of(REVIEWED_ZONE)).toLocalTime()
        .withNano(0).format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss"));
    String receivers = webhook.map(url -> """
          receivers:
            - { name: demo-webhook, type: webhook, url: "%s" }
        """.formatted(url.replace("\"", ""))).orElse("");
    return """
        listen: "%s"
        store: "duckdb:%s"
        poll: { interval: %s, textRefresh: %s }
        targets:
          - name: demo
            url: "%s"
            user: postgres
        tenants:
          pattern: "^tenant_(?<tenant>.+)$"
          defaults: { timezone: America/New_York, workdayStart: "07:00" }
          overrides:
            acme: { timezone: Europe/London }
            globex: { timezone: Australia/Sydney, workdayStart: "08:30" }
            %s: { timezone: %s, workdayStart: "%s", workdays: [MON, TUE, WED, THU, FRI, SAT, SUN] }
        analysis:
          hot: { top: 25, findings: 3 }
          baseline: { mode: rolling, lookback: %s }
          regression: { window: %s, minCalls: 20, minRatio: 1.5, minExtraPerHour: 5s }
        advisor: { interval: %s, catalogRefresh: %s, replanAfter: %s }
        web: { token: "%s" }
        alerts:
          leadTime: %s
          minSeverity: warning
        %s"""
        .formatted(listen, store, interval, Durations.format(poll.multipliedBy(3)), jdbcUrl,
            DemoFleet.REGRESSED_TENANT, REVIEWED_ZONE, start,
            Durations.format(poll.multipliedBy(12)), Durations.format(poll.multipliedBy(3)),
            Durations.format(poll.multipliedBy(3)), Durations.format(poll.multipliedBy(3)),
            Durations.format(poll.multipliedBy(12)), token.replace("\"", ""), Durations.format(LEAD_TIME), receivers);
  }

  static final Duration LEAD_TIME = Duration.ofMinutes(90);

  /** The default review time: three minutes after the regression is injected. */
  static Duration defaultReviewAfter(Duration poll) {
    return defaultRegressAfter(poll).plus(Duration.ofMinutes(3));
  }

  /** The default injection time: the baseline (12 polls) plus a window (3 polls) after the start. */
  static Duration defaultRegressAfter(Duration poll) {
    return poll.multipliedBy(15);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HostPort address;
    try {
      address = HostPort.parse(listen);
    } catch (IllegalArgumentException e) {
      err.println("earlybird demo: --listen: " + e.getMessage());
      return 2;
    }
    // Before the embedded PostgreSQL starts (seconds): a busy port is the likeliest reason a demo cannot start.
    Optional<AddressInUseException> busy = busy(address);
    if (busy.isPresent()) {
      return addressInUse(err, busy.get());
    }
    String webToken = token == null || token.isBlank() ? newToken() : token.strip();
    Path dir = data != null ? data : Files.createTempDirectory("earlybird-demo-");
    // A demo without --data leaves nothing behind: its PostgreSQL and history go with it.
    Runnable removeDir = data != null ? () -> {} : () -> removeTree(dir);
    Files.createDirectories(dir);
    out.println("Starting the demo in " + dir + " (an embedded PostgreSQL; the first start unpacks it) ...");
    out.flush();
    DemoFleet fleet = DemoFleet.start(dir, Duration.ofMillis(50));
    Runnable stopFleet = () -> {
      try {
        fleet.close();
      } catch (Exception e) {
        // shutting down anyway
      }
      removeDir.run();
    };
    AgentConfig config;
    Duration reviewIn;
    try {
      reviewIn = reviewAfter == null ? defaultReviewAfter(Durations.parse(interval)) : Durations.parse(reviewAfter);
      config = ConfigLoader.parse(config(listen, dir.resolve("earlybird.duckdb"), fleet.jdbcUrl(), interval,
              Instant.now().plus(reviewIn), Optional.ofNullable(webhook), webToken),
          "demo config", dir, System.getenv()::get);
    } catch (IllegalArgumentException e) {
      stopFleet.run();
      err.println("earlybird demo: --review-after: " + e.getMessage() + "; expected a duration like 90s or 5m");
      return 2;
    } catch (ConfigException e) {
      stopFleet.run();
      err.println("earlybird demo: " + String.join("\n", e.problems()));
      return 2;
    }
    Optional<Duration> injectAfter;
    try {
      injectAfter = "never".equals(regressAfter) ? Optional.empty()
          : Optional.of(regressAfter == null ? defaultRegressAfter(config.poll().interval()) : Durations.parse(regressAfter));
    } catch (IllegalArgumentException e) {
      stopFleet.run();
      err.println("earlybird demo: --regress-after: " + e.getMessage()
          + "; expected a duration like 90s or 5m, or 'never'");
      return 2;
    }
    Instant started = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Agent agent;
    try {
      agent = Agent.start(config, InstantSource.system());
    } catch (AddressInUseException e) {
      stopFleet.run();
      return addressInUse(err, e);
    } catch (RuntimeException e) {
      stopFleet.run();
      throw e;
    }
    ScheduledExecutorService injector = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "demo-regression");
      t.setDaemon(true);
      return t;
    });
    injectAfter.ifPresent(after -> injector.schedule(() -> {
      try {
        fleet.injectRegression();
        out.println("Demo: dropped index " + DemoFleet.DROPPED_INDEX + " in tenant_" + DemoFleet.REGRESSED_TENANT
            + ": the orders-of-a-customer lookup now scans the table. Watch " + agent.url() + "findings");
      } catch (Exception e) {
        out.println("Demo: could not inject the regression: " + e.getMessage());
      }
      out.flush();
    }, after.toMillis(), TimeUnit.MILLISECONDS));
    out.println();
    out.println("Earlybird demo is running: " + agent.url());
    out.println("  fleet page      " + agent.url());
    out.println("  hot queries     " + agent.url() + "api/v1/hot-queries");
    out.println("  findings        " + agent.url() + "findings");
    out.println("  alerts          " + agent.url() + "alerts");
    out.println("  reviews         " + agent.url() + "reviews");
    out.println("  metrics         " + agent.url() + "metrics");
    out.println("Four tenant databases (" + String.join(", ", DemoFleet.TENANTS) + ") get a steady workload;");
    out.println("the agent polls every " + interval + ", so history and metrics grow from the second poll on.");
    injectAfter.ifPresent(after -> out.println("After " + Durations.format(after) + " the demo drops an index in tenant_"
        + DemoFleet.REGRESSED_TENANT + "; a regression finding follows about two analysis windows ("
        + Durations.format(config.analysis().regression().window().multipliedBy(2)) + ") later."));
    out.println("Tenant " + DemoFleet.REGRESSED_TENANT + "'s morning review (zone " + REVIEWED_ZONE + ") runs in "
        + Durations.format(reviewIn) + ": it lists the tenant's hot queries and open findings and re-raises them as "
        + "morning alerts" + (webhook == null ? " (add --webhook URL to receive them)." : ", sent to " + webhook + "."));
    howToPin(out, agent.url(), webToken, started, started.plus(injectAfter.orElse(Duration.ofMinutes(5))));
    out.println("Press Ctrl+C to stop.");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      injector.shutdownNow();
      agent.close();
      stopFleet.run();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * The web token, and how to pin the healthy window before the regression as a baseline (once it has passed), with
   * curl and with the command line, to compare against later.
   */
  static void howToPin(PrintWriter out, String url, String token, Instant from, Instant to) {
    out.println("Web token (write actions need it): " + token);
    out.println("Once " + to + " has passed, pin the healthy start as a baseline:");
    out.println("  curl -sS -X POST -H 'Authorization: Bearer " + token + "' -H 'Content-Type: application/json' \\");
    out.println("    -d '{\"name\":\"demo-start\",\"from\":\"" + from + "\",\"to\":\"" + to + "\"}' "
        + url + "api/v1/baselines");
    out.println("  or: EARLYBIRD_WEB_TOKEN=" + token + " earlybird baseline pin demo-start --from " + from + " --to "
        + to + " --url " + url);
    out.println("Then compare: earlybird report --against demo-start --url " + url);
  }

  /** The address as busy, if another process listens there now (port 0 never is). */
  static Optional<AddressInUseException> busy(HostPort address) {
    if (address.port() == 0) {
      return Optional.empty();
    }
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.bind(new java.net.InetSocketAddress(address.host(), address.port()));
      return Optional.empty();
    } catch (java.net.BindException e) {
      return Optional.of(new AddressInUseException(address.toString(), e));
    } catch (java.io.IOException e) {
      return Optional.empty(); // not ours to judge: the agent's own start says what is wrong
    }
  }

  private static int addressInUse(PrintWriter err, AddressInUseException e) {
    err.println("earlybird demo: " + e.getMessage() + "; stop that process, or let the demo pick a free port with "
        + "--listen 127.0.0.1:0");
    err.flush();
    return 1;
  }

  /**
   * Deletes a directory and everything in it; what cannot be deleted stays (a temporary directory, at worst). The
   * embedded server's last processes may still be removing their own files while this walks (a walk then fails on a
   * file that went away), so it walks again, for up to five seconds, until the directory is gone.
   */
  static void removeTree(Path dir) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
    while (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        // a file went away while walking: walk again
      }
      if (!Files.exists(dir) || System.nanoTime() > deadline) {
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(100).toNanos());
    }
  }
}
