package dev.earlybird.bench;

import static dev.earlybird.bench.BenchOutput.line;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** One scenario's result file, {@code fleet-<scenario>.txt} in the bench directory: the machine, then the findings. */
final class FleetReport {
  private final String scenario;
  private final StringBuilder b = new StringBuilder();
  private final String loadAtStart = loadAverage();

  FleetReport(String scenario, String title) {
    this.scenario = scenario;
    line(b, "Earlybird fleet bench: %s (%s)", scenario, title);
    line(b, "started %s", Instant.now());
    line(b, "machine: %d cores, %s memory, %s %s, Java %s", Runtime.getRuntime().availableProcessors(),
        memTotal(), System.getProperty("os.name"), System.getProperty("os.arch"), Runtime.version());
    b.append('\n');
  }

  StringBuilder text() {
    return b;
  }

  void goal(String what, String measured, boolean met) {
    line(b, "  GOAL %-50s %-28s %s", what, measured, met ? "PASS" : "MISS");
  }

  /** Writes the file (and prints it); the load average at start and end says whether the machine was shared. */
  Path write() throws IOException {
    b.append('\n');
    line(b, "load average (1, 5, 15 min) at start: %s; at end: %s (above ~1 means other work shared the %d cores)",
        loadAtStart, loadAverage(), Runtime.getRuntime().availableProcessors());
    Path file = BenchOutput.directory().resolve("fleet-" + scenario + ".txt");
    Files.writeString(file, b);
    System.out.println(b);
    System.out.println("[fleet-bench] wrote " + file);
    return file;
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  static String memTotal() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          long kb = Long.parseLong(l.substring(9).replace("kB", "").strip());
          return String.format(java.util.Locale.ROOT, "%.1f GiB", kb / 1048576.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "n/a";
  }
}
