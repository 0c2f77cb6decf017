package dev.earlybird.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * The agent's own {@code logback.xml} (not the tests'), configured into a fresh logger context as the jar does at
 * start, with {@code EARLYBIRD_LOG_FORMAT} set or not; what it writes to stderr is read back as a user's log
 * pipeline would.
 */
class LogEncoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private PrintStream originalErr;
  private LoggerContext context;

  @BeforeEach
  void captureStderr() {
    originalErr = System.err;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    if (context != null) {
      context.stop();
    }
    System.setErr(originalErr);
    MDC.clear();
  }

  /** A logger of a context configured from the shipped logback.xml, with these properties (as env would set). */
  private Logger logger(String name, Map<String, String> properties) throws Exception {
    context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter()); // the one org.slf4j.MDC writes to, as in the agent
    properties.forEach(context::putProperty);
    var configurator = new JoranConfigurator();
    configurator.setContext(context);
    var shipped = getClass().getClassLoader().getResource("logback.xml");
    assertThat(shipped).as("src/main/resources/logback.xml on the classpath").isNotNull();
    configurator.doConfigure(shipped);
    return context.getLogger(name);
  }

  private List<String> lines() {
    List<String> out = new ArrayList<>();
    stderr.toString(StandardCharsets.UTF_8).lines().forEach(out::add);
    return out;
  }

  private List<JsonNode> jsonLines() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : lines()) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  @Test
  void jsonFormatWritesOneParseableObjectPerEventWithTheStandardFields() throws Exception {
    Logger log = logger("dev.earlybird.schedule.TargetPoller", Map.of("EARLYBIRD_LOG_FORMAT", "json"));
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    MDC.put("target", "aurora-prod-1");
    log.info("target {}: connected, \"PostgreSQL\" {}\nsecond line, tab\there, ünïcödé", "aurora-prod-1", "17.4");
    MDC.remove("target");
    log.atWarn().setMessage("poll failed").addKeyValue("reason", "timeout").addKeyValue("duration_s", 1.5)
        .addKeyValue("attempts", 3).addKeyValue("retrying", true).log();

    List<String> raw = lines();
    assertThat(raw).hasSize(2); // the newline in the message did not split the event
    List<JsonNode> events = jsonLines();
    JsonNode first = events.get(0);
    assertThat(Instant.parse(first.get("timestamp").asText())).isBetween(before, Instant.now());
    assertThat(first.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(first.get("level").asText()).isEqualTo("INFO");
    assertThat(first.get("logger").asText()).isEqualTo("dev.earlybird.schedule.TargetPoller");
    assertThat(first.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(first.get("message").asText())
        .isEqualTo("target aurora-prod-1: connected, \"PostgreSQL\" 17.4\nsecond line, tab\there, ünïcödé");
    assertThat(first.get("target").asText()).isEqualTo("aurora-prod-1");
    assertThat(first.has("exception")).isFalse();

    JsonNode second = events.get(1);
    assertThat(second.get("level").asText()).isEqualTo("WARN");
    assertThat(second.has("target")).as("MDC entries end with the MDC").isFalse();
    assertThat(second.get("reason").asText()).isEqualTo("timeout");
    assertThat(second.get("duration_s").isNumber()).isTrue();
    assertThat(second.get("duration_s").asDouble()).isEqualTo(1.5);
    assertThat(second.get("attempts").asInt()).isEqualTo(3);
    assertThat(second.get("retrying").asBoolean()).isTrue();
  }

  @Test
  void anExceptionIsOneFieldWithTheWholeStackTraceAndItsCauses() throws Exception {
    Logger log = logger("dev.earlybird.schedule.AnalysisLoop", Map.of("EARLYBIRD_LOG_FORMAT", "JSON"));
    var cause = new java.sql.SQLException("connection refused", "08001");
    log.error("analysis failed; will retry: {}", "boom", new IllegalStateException("boom", cause));

    assertThat(lines()).hasSize(1);
    JsonNode e = jsonLines().get(0);
    assertThat(e.get("level").asText()).isEqualTo("ERROR");
    assertThat(e.get("message").asText()).isEqualTo("analysis failed; will retry: boom");
    assertThat(e.get("exception").asText())
        .startsWith("java.lang.IllegalStateException: boom")
        .contains("\tat dev.earlybird.logging.LogEncoderTest.anExceptionIsOneFieldWithTheWholeStackTraceAndItsCauses")
        .contains("Caused by: java.sql.SQLException: connection refused");
  }

  @Test
  void mdcOrKeyValueFieldsNeverOverwriteTheStandardOnes() throws Exception {
    Logger log = logger("x", Map.of("EARLYBIRD_LOG_FORMAT", "json"));
    MDC.put("message", "from the MDC");
    log.atInfo().setMessage("the real message").addKeyValue("level", "from a pair").addKeyValue("message", "pair").log();

    JsonNode e = jsonLines().get(0);
    assertThat(e.get("message").asText()).isEqualTo("the real message");
    assertThat(e.get("level").asText()).isEqualTo("INFO");
    assertThat(e.get("message_").asText()).isEqualTo("from the MDC");
    assertThat(e.get("message__").asText()).isEqualTo("pair");
    assertThat(e.get("level_").asText()).isEqualTo("from a pair");
  }

  @Test
  void withoutTheVariableLinesAreTextAsBefore() throws Exception {
    Logger log = logger("dev.earlybird.Agent", Map.of());
    MDC.put("target", "pg");
    log.info("Earlybird polling 1 target(s)");

    assertThat(lines()).singleElement().asString()
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  Agent - Earlybird polling 1 target\\(s\\)");
  }

  @Test
  void aFormatThatIsNoFormatSaysSoOnceAndLogsText() throws Exception {
    Logger log = logger("dev.earlybird.Agent", Map.of("EARLYBIRD_LOG_FORMAT", "jsno"));
    log.info("still logged");

    assertThat(lines()).hasSize(2);
    assertThat(lines().get(0)).isEqualTo("earlybird: EARLYBIRD_LOG_FORMAT=jsno is not one of text, json; logging as text");
    assertThat(lines().get(1)).endsWith("INFO  Agent - still logged");
  }
}
