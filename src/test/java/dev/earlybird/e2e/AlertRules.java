package dev.earlybird.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shipped Prometheus rule files ({@code alerts/*.yml}) and their promtool unit tests ({@code alerts/tests/*.yml}),
 * and the Debian tools that check them.
 */
final class AlertRules {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final String RUNBOOKS = "https://github.com/earlybird-dev/earlybird/blob/main/docs/runbooks.md";

  private AlertRules() {}

  /** {@code alerts/} of the checkout (tests run in the project's base directory). */
  static Path directory() {
    Path dir = Path.of(System.getProperty("basedir", ".")).resolve("alerts").toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new AssertionError(dir + " is missing: the tests must run in the project's base directory");
    }
    return dir;
  }

  /** The rule files Prometheus loads: {@code alerts/*.yml}, not the tests below it. */
  static List<Path> ruleFiles() {
    return yamlFilesIn(directory());
  }

  /** The promtool unit tests: {@code alerts/tests/*.yml}. */
  static List<Path> testFiles() {
    return yamlFilesIn(directory().resolve("tests"));
  }

  private static List<Path> yamlFilesIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> yml = files.filter(p -> p.getFileName().toString().endsWith(".yml")).sorted().toList();
      if (yml.isEmpty()) {
        throw new AssertionError("no *.yml files in " + dir);
      }
      return yml;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(Path yaml) {
    try {
      return YAML.readTree(yaml.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(yaml + ": " + e.getMessage(), e);
    }
  }

  /** Every alerting rule of every rule file (objects with {@code alert}, {@code expr}, {@code for}, ...). */
  static List<JsonNode> alerts() {
    List<JsonNode> alerts = new ArrayList<>();
    for (Path file : ruleFiles()) {
      for (JsonNode group : read(file).path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          if (rule.has("alert")) {
            alerts.add(rule);
          }
        }
      }
    }
    return alerts;
  }

  /**
   * A copy of {@code ruleFile} with every {@code for:} set to {@code forDuration} and nothing else changed: the same
   * groups, names, expressions, labels and annotations.
   */
  static String withFor(Path ruleFile, String forDuration) {
    JsonNode root = read(ruleFile).deepCopy();
    for (JsonNode group : root.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("for")) {
          ((ObjectNode) rule).put("for", forDuration);
        }
      }
    }
    try {
      return YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A Debian package's executable: on the PATH, else in {@code /usr/bin}. Fails (never skips) when it is missing: CI
   * installs the packages in {@code .ci/apt-packages}, and a developer must do the same to run these tests.
   */
  static Path tool(String name, String debianPackage) {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, name));
        }
      }
    }
    candidates.add(Path.of("/usr/bin", name));
    return candidates.stream()
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not installed (looked on the PATH and in /usr/bin). Install"
            + " Debian's " + debianPackage + " package: apt-get install -y " + debianPackage
            + " (CI installs every package listed in .ci/apt-packages)."));
  }

  /** Output and exit code of a finished command. */
  record Run(int exitCode, String output) {}

  /** Runs {@code command} in {@code dir} to its end (at most {@code timeoutSeconds}), stdout and stderr together. */
  static Run run(Path dir, int timeoutSeconds, List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("earlybird-tool", ".log");
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n"
            + Files.readString(out));
      }
      return new Run(p.exitValue(), Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
