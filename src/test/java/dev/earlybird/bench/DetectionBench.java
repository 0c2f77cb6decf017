package dev.earlybird.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Detection quality: precision, recall and latency (in analysis windows) of the regression findings, on
 * injected regressions and benign changes whose truth is known.
 *
 * <ul>
 *   <li>{@code -Dbench.mode=live} (default): a real PostgreSQL with tenant databases, a noisy workload and the
 *       real agent in-process; see {@link LiveDetection}. About 10 minutes, most of it wall-clock phases.
 *   <li>{@code -Dbench.mode=replay}: no PostgreSQL; weeks of synthetic 5-minute intervals with daily and weekly
 *       seasonality, through the same store and analysis on a simulated clock, once with the seasonal baseline
 *       and once with a rolling one on the same data; see {@link ReplayDetection}. A few minutes.
 * </ul>
 *
 * <p>Run with {@code ./mvnw -B -Pbench verify -Dbench=DetectionBench [-Dbench.mode=replay]}. Results:
 * {@code target/bench/detection-<mode>-<stamp>.md}, also printed. It measures, it does not judge: a missed goal
 * prints MISS and the build passes; an error (the workload failing, the agent not polling) fails it.
 * Settings: {@code bench.pg} (17), {@code bench.warmupSeconds} (180), {@code bench.observeWindows} (8), {@code
 * bench.restartWindows} (6), {@code bench.replayWeeks} (6: four of history, two replayed), {@code bench.outputDir} (target/bench).
 */
public class DetectionBench {
  @Test
  void measure() throws Exception {
    run();
  }

  public static void main(String[] args) throws Exception {
    run();
  }

  static void run() throws Exception {
    String mode = System.getProperty("bench.mode", "live").strip().toLowerCase(Locale.ROOT);
    Path outDir = Path.of(System.getProperty("bench.outputDir", "target/bench")).toAbsolutePath();
    Files.createDirectories(outDir);
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    long started = System.nanoTime();
    List<DetectionReport> reports = switch (mode) {
      case "live" -> List.of(new LiveDetection(intProp("bench.pg", 17, 13, 18),
          Duration.ofSeconds(intProp("bench.warmupSeconds", 180, 150, 1800)),
          intProp("bench.observeWindows", 8, 3, 60), intProp("bench.restartWindows", 6, 2, 60), outDir).run(stamp));
      case "replay" -> new ReplayDetection(intProp("bench.replayWeeks", 6, 6, 12), outDir).run(stamp);
      default -> throw new IllegalArgumentException("bench.mode must be live or replay, was " + mode);
    };
    var b = new StringBuilder();
    b.append("# Earlybird detection bench, mode ").append(mode).append(", ").append(Instant.now()).append("\n\n");
    b.append(String.format(Locale.ROOT, "JDK %s, %s %s, %d cores; took %.1f min.%n%n", Runtime.version(),
        System.getProperty("os.name"), System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
        (System.nanoTime() - started) / 6e10));
    b.append(DEFINITIONS);
    for (DetectionReport r : reports) {
      b.append('\n').append(r.markdown());
    }
    Path out = outDir.resolve("detection-" + mode + "-" + stamp + ".md");
    Files.writeString(out, b.toString());
    System.out.println(b);
    log("wrote %s", out);
  }

  static final String DEFINITIONS =
      """
      A regression finding is **true** when it is on a statement an injection made slower (the injected one, or
      one measured >= 1.5x slower per call in the same tenant) and its streak began no earlier than the window the
      injection fell in; every other regression finding is **false**, with a cause (noise, volume, restart,
      seasonality, ...). Recall = injected regressions found / injected; precision = true / all regression
      findings. **Latency** = (start of the first window of the finding's streak - injection) / window: 0 means
      the first full window after the change already showed it, negative means the window the change fell in did.
      **To active** = injection until the finding was active (it needs `persistence` windows in a row). "Found
      within two windows" = latency <= 2 and active.
      """;

  static int intProp(String name, int fallback, int min, int max) {
    int v = Integer.parseInt(System.getProperty(name, Integer.toString(fallback)).strip());
    if (v < min || v > max) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + v);
    }
    return v;
  }

  static void log(String format, Object... args) {
    System.out.printf("[detection-bench] " + format + "%n", args);
  }
}
