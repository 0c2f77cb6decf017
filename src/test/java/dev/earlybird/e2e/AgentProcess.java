package dev.earlybird.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.Map;

/** The real agent jar run as a separate process, as a user runs it, with its HTTP API as the probe. */
final class AgentProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  private final Path log;

  private AgentProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("earlybird.jar", "target/earlybird.jar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run the integration tests with 'mvnw verify' (after package)");
    }
    return jar;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Runs {@code earlybird ARGS} to completion and returns exit code and output. */
  static Result runToEnd(Duration timeout, String... args) throws IOException, InterruptedException {
    return runToEnd(timeout, Map.of(), args);
  }

  /** Like {@link #runToEnd(Duration, String...)} with {@code env} added to the environment. */
  static Result runToEnd(Duration timeout, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = command(args);
    Path out = Files.createTempFile("earlybird-cli", ".log");
    ProcessBuilder builder = builder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("earlybird " + String.join(" ", args) + " did not finish in " + timeout + ":\n" + Files.readString(out));
    }
    return new Result(p.exitValue(), Files.readString(out));
  }

  record Result(int exitCode, String output) {}

  /** Like {@link #runToEnd}, with stdout and stderr apart (for output meant for programs). */
  static Separate runApart(Duration timeout, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("earlybird-cli", ".out");
    Path err = Files.createTempFile("earlybird-cli", ".err");
    Process p = builder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("earlybird " + String.join(" ", args) + " did not finish in " + timeout + ":\n"
          + Files.readString(out) + Files.readString(err));
    }
    return new Separate(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  record Separate(int exitCode, String out, String err) {}

  /**
   * A process with fake AWS credentials and no instance metadata lookups: AWS tests point every client at a local
   * endpoint, and nothing a test starts may ever reach real AWS or wait for IMDS.
   */
  private static ProcessBuilder builder(List<String> cmd) {
    ProcessBuilder b = new ProcessBuilder(cmd);
    var env = b.environment();
    env.put("AWS_ACCESS_KEY_ID", "AKIDEARLYBIRDTEST");
    env.put("AWS_SECRET_ACCESS_KEY", "earlybird-test-secret");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.remove("AWS_PROFILE");
    env.remove("AWS_SESSION_TOKEN");
    return b;
  }

  private static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Starts {@code earlybird run --config CONFIG} and waits until it is ready. */
  static AgentProcess run(Path config, int port, Path log) throws IOException {
    return start(List.of("run", "--config", config.toString()), port, log, Duration.ofSeconds(60));
  }

  /** Starts {@code earlybird ARGS} and waits until its HTTP server is ready. */
  static AgentProcess start(List<String> args, int port, Path log, Duration readyWithin) throws IOException {
    return start(args, port, log, readyWithin, Map.of());
  }

  /** Like {@link #start(List, int, Path, Duration)} with {@code env} added to the environment. */
  static AgentProcess start(List<String> args, int port, Path log, Duration readyWithin, Map<String, String> env)
      throws IOException {
    ProcessBuilder builder =
        builder(command(args.toArray(String[]::new)))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    Process p = builder.start();
    AgentProcess agent = new AgentProcess(p, port, log);
    await("agent ready on port " + port)
        .atMost(readyWithin)
        .pollInterval(Duration.ofMillis(200))
        .failFast("agent exited", () -> !p.isAlive())
        .until(() -> agent.status("/-/ready") == 200);
    return agent;
  }

  int status(String path) {
    try {
      return HTTP.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + " -> " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  JsonNode json(String path) throws IOException, InterruptedException {
    return JSON.readTree(get(path));
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build();
  }

  /** {@code POST path} with an optional {@code Authorization} header; any status is returned, not failed on. */
  HttpResponse<String> post(String path, String authorization) throws IOException, InterruptedException {
    return post(path, authorization, null);
  }

  /** Like {@link #post(String, String)} with a JSON body (null: none). */
  HttpResponse<String> post(String path, String authorization, String json) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).POST(json == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code kill -HUP PID}, as an operator or systemd's ExecReload sends it; returns at once. */
  void hangUp() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -HUP " + process.pid() + " failed");
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGTERM: the agent shuts down gracefully. Returns the exit code. */
  int stop() throws InterruptedException {
    terminate();
    return awaitExit(Duration.ofSeconds(30));
  }

  /** Sends SIGTERM and returns at once; {@link #awaitExit} waits for the end of the stop. */
  void terminate() {
    process.destroy();
  }

  /** Waits for the process to exit (SIGKILL and failure if it does not within {@code within}); its exit code. */
  int awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("agent did not stop within " + within + " of SIGTERM");
    }
    return process.exitValue();
  }

  /** The agent's threads, for a test that failed waiting on it. */
  String threadDump() {
    try {
      // Thread.print leaves out virtual threads, where the agent's pollers run.
      Path file = Files.createTempDirectory("earlybird-threads").resolve("threads.txt");
      Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(process.pid()), "Thread.dump_to_file", file.toString()).redirectErrorStream(true).start();
      String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      jcmd.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      return Files.exists(file) ? Files.readString(file) : out;
    } catch (IOException e) {
      return "no thread dump: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "no thread dump: interrupted";
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
