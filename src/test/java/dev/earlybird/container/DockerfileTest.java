package dev.earlybird.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.ConfigLoader;
import dev.earlybird.config.StoreConfig;
import dev.earlybird.container.Dockerfile.Instruction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the container image promises, checked on the Dockerfile itself, since CI cannot count on a Docker daemon:
 * how it is built and run, as whom, where config and history live, how health is probed, memory, and a DNS cache
 * short enough to follow an RDS failover (checked in a JVM started with the image's own options).
 */
class DockerfileTest {
  static final Path ROOT = Path.of("").toAbsolutePath();
  static final Dockerfile DOCKERFILE = Dockerfile.read(ROOT.resolve("Dockerfile"));
  static final String JAR = "/opt/earlybird/earlybird.jar";
  static final String CONFIG = "/etc/earlybird/earlybird.yml";
  static final String DATA = "/var/lib/earlybird";

  @Test
  void theJarIsBuiltWithTheMavenWrapperOnAJdk21AndRunsOnAJre21() {
    List<Instruction> from = DOCKERFILE.all("FROM");
    assertThat(from).as("multi-stage: a build stage and a runtime stage").hasSizeGreaterThanOrEqualTo(2);
    assertThat(from.getFirst().arguments()).isEqualTo("eclipse-temurin:21-jdk AS build");
    assertThat(from.getLast().arguments()).isEqualTo("eclipse-temurin:21-jre");

    List<Instruction> runs = DOCKERFILE.all("RUN").stream().filter(r -> r.stage() == 0).toList();
    Instruction packaging = runs.stream().filter(r -> r.arguments().startsWith("./mvnw ")).filter(
        r -> r.arguments().endsWith(" package")).findFirst().orElseThrow(() -> new AssertionError("no ./mvnw ... package"));
    assertThat(packaging.arguments()).contains("-B").contains("-DskipTests");

    // Dependencies are fetched in a layer that only the build files invalidate, before the sources are copied.
    Instruction offline = runs.stream().filter(r -> r.arguments().contains("dependency:go-offline")).findFirst()
        .orElseThrow(() -> new AssertionError("no dependency layer (dependency:go-offline)"));
    Instruction sources = copies(0).stream().filter(c -> c.arguments().startsWith("src ")).findFirst().orElseThrow();
    Instruction pom = copies(0).stream().filter(c -> c.arguments().contains("pom.xml")).findFirst().orElseThrow();
    assertThat(DOCKERFILE.indexOf(pom)).isLessThan(DOCKERFILE.indexOf(offline));
    assertThat(DOCKERFILE.indexOf(offline)).isLessThan(DOCKERFILE.indexOf(sources));
    assertThat(DOCKERFILE.indexOf(sources)).isLessThan(DOCKERFILE.indexOf(packaging));

    assertThat(copies(DOCKERFILE.lastStage())).extracting(Instruction::arguments)
        .contains("--from=build /src/target/earlybird.jar " + JAR);
  }

  @Test
  void itRunsAsAFixedUnprivilegedUidThatOwnsTheDataVolume() {
    String user = DOCKERFILE.lastRuntime("USER").orElseThrow(() -> new AssertionError("no USER: runs as root"))
        .arguments();
    assertThat(user).as("numeric, so Kubernetes' runAsNonRoot can check it").matches("\\d+(:\\d+)?");
    String uid = user.split(":")[0];
    assertThat(Integer.parseInt(uid)).isGreaterThanOrEqualTo(1000);
    String setup = String.join(" ", DOCKERFILE.runtime("RUN").stream().map(Instruction::arguments).toList());
    assertThat(setup).contains("useradd").contains("--uid " + uid).contains("chown " + uid);
    assertThat(setup).containsPattern("chown \\S+ " + Pattern.quote(DATA));
  }

  @Test
  void configAndHistoryAreVolumesAndTheWorkingDirectoryIsTheHistoryOne() {
    List<String> volumes = DOCKERFILE.runtime("VOLUME").stream().flatMap(v -> v.execForm().stream()).toList();
    assertThat(volumes).contains("/etc/earlybird", DATA);
    assertThat(DOCKERFILE.lastRuntime("WORKDIR").orElseThrow().arguments()).isEqualTo(DATA);
  }

  @Test
  void theEntrypointIsJavaInExecFormRunningTheAgentOnTheMountedConfig() {
    List<String> entrypoint = DOCKERFILE.lastRuntime("ENTRYPOINT").orElseThrow().execForm();
    assertThat(entrypoint.getFirst()).as("java is PID 1 and gets SIGTERM itself").isEqualTo("java");
    assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size())).containsExactly("-jar", JAR);
    assertThat(entrypoint).contains("-XX:+ExitOnOutOfMemoryError");
    assertThat(DOCKERFILE.lastRuntime("CMD").orElseThrow().execForm()).containsExactly("run", "--config", CONFIG);
    assertThat(DOCKERFILE.runtime("EXPOSE")).extracting(Instruction::arguments).containsExactly("9860");
    assertThat(DOCKERFILE.lastRuntime("STOPSIGNAL").map(Instruction::arguments)).hasValue("SIGTERM");
  }

  @Test
  void theHeapIsAShareOfTheContainerLimitThatLeavesRoomForDuckDb() {
    String options = DOCKERFILE.runtime("ENV").stream().map(Instruction::arguments)
        .filter(e -> e.startsWith("JAVA_TOOL_OPTIONS=")).findFirst()
        .orElseThrow(() -> new AssertionError("no ENV JAVA_TOOL_OPTIONS")).replace("\"", "");
    Matcher m = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(\\.\\d+)?)").matcher(options);
    assertThat(m.find()).as("MaxRAMPercentage in " + options).isTrue();
    // DuckDB's buffer pool lives outside the heap: the heap must not take (nearly) all of the limit.
    assertThat(Double.parseDouble(m.group(1))).isBetween(25.0, 75.0);
  }

  @Test
  void theHealthcheckAsksTheAgentsHealthyEndpointWithTheJarItself() {
    Instruction health = DOCKERFILE.lastRuntime("HEALTHCHECK").orElseThrow();
    assertThat(health.arguments()).contains("--interval=").contains("--timeout=").contains("--start-period=");
    List<String> cmd = health.execForm();
    assertThat(cmd.getFirst()).isEqualTo("java");
    int jar = cmd.indexOf("-jar");
    assertThat(cmd.get(jar + 1)).isEqualTo(JAR);
    assertThat(cmd.subList(jar + 2, cmd.size())).containsExactly("healthcheck", "--config", CONFIG);
    // HealthcheckCommandTest runs exactly these arguments against a running agent.
  }

  @Test
  void theDockerExampleListensOnEveryInterfaceAndKeepsItsStoreOnTheDataVolume() throws Exception {
    Path example = ROOT.resolve("examples/docker.yml");
    AgentConfig config = ConfigLoader.parse(Files.readString(example), example.toString(), example.getParent(),
        Map.of("EARLYBIRD_PG_PASSWORD", "example-secret")::get);
    assertThat(config.listen().host()).as("-p 9860:9860 reaches 0.0.0.0 only").isEqualTo("0.0.0.0");
    assertThat(config.listen().port()).isEqualTo(9860);
    assertThat(config.store()).isInstanceOfSatisfying(StoreConfig.DuckDb.class,
        d -> assertThat(d.file().startsWith(Path.of(DATA))).as(d.file() + " on the volume " + DATA).isTrue());
    assertThat(config.targets().getFirst().password().reveal()).isEqualTo("example-secret");
  }

  @Test
  void everyFileTheImageCopiesIsInTheBuildContext() throws Exception {
    List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertThat(ignored).as("local builds and history never go into the context").contains("target", ".git", "data");
    for (Instruction copy : DOCKERFILE.all("COPY")) {
      if (copy.arguments().startsWith("--from=")) {
        continue;
      }
      List<String> parts = List.of(copy.arguments().split("\\s+"));
      for (String source : parts.subList(0, parts.size() - 1)) {
        assertThat(ROOT.resolve(source)).as("COPY source " + source).exists();
        assertThat(ignored).as(source + " is in .dockerignore").doesNotContain(source);
      }
    }
  }

  @Test
  void theImagesJvmOptionsReallyShortenTheDnsCache() throws Exception {
    assertThat(dnsPolicy(imageJvmOptions())).isEqualTo("positive=30 negative=5");
  }

  /** Why the image uses a security properties file: the JDK reads networkaddress.cache.* only as such. */
  @Test
  void networkaddressSystemPropertiesWouldBeIgnored() throws Exception {
    assertThat(dnsPolicy(List.of("-Dnetworkaddress.cache.ttl=7", "-Dnetworkaddress.cache.negative.ttl=1")))
        .isEqualTo("positive=30 negative=10");
    // The sun.net fallback works for the positive TTL only: java.security sets the negative one, which wins.
    assertThat(dnsPolicy(List.of("-Dsun.net.inetaddr.ttl=7", "-Dsun.net.inetaddr.negative.ttl=1")))
        .isEqualTo("positive=7 negative=10");
  }

  /**
   * The ENTRYPOINT's options between "java" and "-jar", with the in-image path of each COPY'd file replaced by the
   * repository file it is copied from.
   */
  private static List<String> imageJvmOptions() {
    List<String> entrypoint = DOCKERFILE.lastRuntime("ENTRYPOINT").orElseThrow().execForm();
    List<String> options = new ArrayList<>(entrypoint.subList(1, entrypoint.indexOf("-jar")));
    assertThat(options).anyMatch(o -> o.startsWith("-Djava.security.properties="));
    for (Instruction copy : copies(DOCKERFILE.lastStage())) {
      String[] parts = copy.arguments().split("\\s+");
      if (!parts[0].startsWith("--")) {
        String inRepo = ROOT.resolve(parts[0]).toString();
        options.replaceAll(o -> o.replace(parts[1], inRepo));
      }
    }
    return options;
  }

  private static List<Instruction> copies(int stage) {
    return DOCKERFILE.all("COPY").stream().filter(c -> c.stage() == stage).toList();
  }

  /** Runs {@link DnsCachePolicyProbe} in a JVM with {@code options}; returns what it prints. */
  private static String dnsPolicy(List<String> options) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(options);
    cmd.addAll(List.of("--add-exports", "java.base/sun.net=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), DnsCachePolicyProbe.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().reduce((a, b) -> b).orElse("");
  }
}
