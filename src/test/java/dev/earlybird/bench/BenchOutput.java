package dev.earlybird.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Where the benches write (bench.outputDir, target/bench by default) and the formatting their reports share. */
final class BenchOutput {
  private BenchOutput() {}

  static Path directory() throws IOException {
    Path dir = Path.of(System.getProperty("bench.outputDir", "target/bench")).toAbsolutePath();
    Files.createDirectories(dir);
    return dir;
  }

  /** A UTC timestamp for file names, e.g. 20261120-093000. */
  static String stamp() {
    return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
  }

  static void line(StringBuilder b, String format, Object... args) {
    b.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  static void field(StringBuilder b, String name, String value) {
    b.append("  \"").append(name).append("\": ").append(value).append(",\n");
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "null";
  }
}
