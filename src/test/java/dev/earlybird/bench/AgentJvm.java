package dev.earlybird.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

/**
 * The real agent in a JVM of its own, as a user runs it ({@code dev.earlybird.Main run --config FILE}), started from
 * the bench JVM's class path without the test classes (the bench profile does not build the fat jar), with a GC log
 * the bench reads heap use from. Everything the bench knows of it comes from outside: {@code /proc}, the GC log,
 * {@code jcmd}, and its HTTP API.
 */
final class AgentJvm implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  private final Path log;
  private final Path gcLog;

  private AgentJvm(Process process, int port, Path log, Path gcLog) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.gcLog = gcLog;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts {@code earlybird run --config CONFIG [extraArgs]} with {@code jvmArgs} and waits until {@code /-/ready}
   * answers 200 (or {@code readyWithin} passed).
   */
  static AgentJvm start(Path config, int port, Path dir, String name, List<String> jvmArgs, List<String> extraArgs,
      Duration readyWithin) throws IOException, InterruptedException {
    Path log = dir.resolve(name + ".log");
    Path gcLog = dir.resolve(name + "-gc.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.add("-Xlog:gc:file=" + gcLog + ":uptime");
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add("dev.earlybird.Main");
    cmd.add("run");
    cmd.add("--config");
    cmd.add(config.toString());
    cmd.addAll(extraArgs);
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    b.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    Process p = b.start();
    AgentJvm agent = new AgentJvm(p, port, log, gcLog);
    long deadline = System.nanoTime() + readyWithin.toNanos();
    while (!agent.ready()) {
      if (!p.isAlive()) {
        throw new IllegalStateException("agent " + name + " exited with " + p.exitValue() + ":\n" + tail(log));
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly().waitFor();
        throw new IllegalStateException("agent " + name + " not ready within " + readyWithin + ":\n" + tail(log));
      }
      Thread.sleep(250);
    }
    return agent;
  }

  /**
   * The bench JVM's class path without its test classes (whose logback-test.xml would replace the agent's logging);
   * failsafe's manifest-only booter jar is expanded into the class path it names.
   */
  static String classPath() throws IOException {
    Set<String> entries = new LinkedHashSet<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(e);
      if (p.getFileName().toString().startsWith("surefirebooter") && p.toString().endsWith(".jar")) {
        try (JarFile jar = new JarFile(p.toFile())) {
          String cp = jar.getManifest().getMainAttributes().getValue("Class-Path");
          for (String url : cp == null ? new String[0] : cp.trim().split("\\s+")) {
            entries.add(Path.of(URI.create(url)).toString());
          }
        }
      } else {
        entries.add(p.toString());
      }
    }
    entries.removeIf(e -> e.endsWith("test-classes") || e.endsWith("test-classes/"));
    return String.join(File.pathSeparator, entries);
  }

  long pid() {
    return process.pid();
  }

  Path gcLog() {
    return gcLog;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Whether {@code /-/ready} answers 200 now (not yet listening counts as no). */
  private boolean ready() throws InterruptedException {
    try {
      return HTTP.send(request("/-/ready"), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + " -> " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  JsonNode json(String path) throws IOException, InterruptedException {
    return JSON.readTree(get(path));
  }

  PromText metrics() throws IOException, InterruptedException {
    return PromText.parse(get("/metrics"));
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60)).build();
  }

  /** kill -9: no shutdown hook, nothing flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM, then kill -9 if it has not stopped in a minute. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
