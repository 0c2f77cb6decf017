package dev.earlybird.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the agent's findings from its HTTP API, as a user's tooling would, and remembers when each finding
 * was first seen active ({@code since} says when its streak began, not when it was reported).
 */
final class FindingsWatch {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern EVALUATIONS = Pattern.compile("(?m)^earlybird_analysis_evaluations_total(?:\\{[^}]*})? ([0-9.eE+]+)$");

  /** One finding as the API shows it. */
  record Seen(
      String id, String kind, String state, String database, long queryId, Instant since, double ratio, double pValue,
      String summary) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final Map<String, Instant> firstActive = new ConcurrentHashMap<>();
  private final AtomicReference<String> lastError = new AtomicReference<>();

  FindingsWatch(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
  }

  /** One look (run every second by the bench's scheduler): notes findings seen active for the first time. */
  void look() {
    try {
      Instant now = Instant.now();
      for (Seen s : findings("regression")) {
        if (s.state().equals("active")) {
          firstActive.putIfAbsent(s.id(), now);
        }
      }
      lastError.set(null);
    } catch (IOException | RuntimeException e) {
      lastError.set(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Instant firstActive(String id) {
    return firstActive.get(id);
  }

  String lastError() {
    return lastError.get();
  }

  /** {@code GET /api/v1/findings[?kind=..]}; kind null for all kinds. */
  List<Seen> findings(String kind) throws IOException, InterruptedException {
    JsonNode root = JSON.readTree(get("api/v1/findings" + (kind == null ? "" : "?kind=" + kind)));
    List<Seen> out = new ArrayList<>();
    for (JsonNode f : root.path("findings")) {
      JsonNode e = f.path("evidence");
      out.add(new Seen(f.path("id").asText(), f.path("kind").asText(), f.path("state").asText(),
          f.path("database").asText(null), Long.parseLong(f.path("queryId").asText()),
          Instant.parse(f.path("since").asText()), e.path("ratio").asDouble(Double.NaN),
          e.path("pValue").asDouble(Double.NaN), f.path("summary").asText("")));
    }
    return out;
  }

  /** {@code GET /api/v1/targets}: the first target's {@code lastPollAt}, if it was polled successfully. */
  Instant lastSuccessfulPoll() throws IOException, InterruptedException {
    JsonNode targets = JSON.readTree(get("api/v1/targets"));
    for (JsonNode t : targets) {
      if (t.path("up").asBoolean(false) && t.hasNonNull("lastPollAt")) {
        return Instant.parse(t.path("lastPollAt").asText());
      }
    }
    return null;
  }

  /** Windows the agent's analysis evaluated so far, from {@code /metrics}. */
  long evaluations() throws IOException, InterruptedException {
    Matcher m = EVALUATIONS.matcher(get("metrics"));
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}
