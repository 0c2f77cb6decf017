package dev.earlybird.container;

import java.nio.file.Path;
import java.util.List;

/** The arguments the image's HEALTHCHECK gives the jar, for tests that run them against an agent. */
public final class DockerfileHealthcheck {
  /** The config path the HEALTHCHECK passes (the one the image's CMD runs with). */
  public static final String CONFIG = DockerfileTest.CONFIG;

  private DockerfileHealthcheck() {}

  /** What follows {@code -jar JAR} in the HEALTHCHECK command, e.g. {@code healthcheck --config FILE}. */
  public static List<String> arguments() {
    List<String> cmd = command();
    return cmd.subList(cmd.indexOf("-jar") + 2, cmd.size());
  }

  /** The JVM options of the HEALTHCHECK command: between {@code java} and {@code -jar}. */
  public static List<String> jvmOptions() {
    List<String> cmd = command();
    return cmd.subList(1, cmd.indexOf("-jar"));
  }

  private static List<String> command() {
    Dockerfile d = Dockerfile.read(Path.of("Dockerfile").toAbsolutePath());
    return d.lastRuntime("HEALTHCHECK").orElseThrow(() -> new AssertionError("the Dockerfile has no HEALTHCHECK"))
        .execForm();
  }
}
