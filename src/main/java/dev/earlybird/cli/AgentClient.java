package dev.earlybird.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.config.Secret;
import dev.earlybird.web.Api;
import dev.earlybird.web.BaselineJson;
import dev.earlybird.web.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The running agent's HTTP API as a {@link ReportSource}, for when the agent holds the store file. Sends the
 * resolved window ({@code from}/{@code to}), so the agent reads exactly what this command line resolved; write
 * actions carry the config's {@code web.token}.
 */
final class AgentClient implements ReportSource {
  private final URI base;
  private final Optional<Secret> token;
  private final HttpClient http;
  private final ObjectMapper json = Json.lenientMapper();

  AgentClient(URI base, Optional<Secret> token) {
    this.base = base;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  }

  URI base() {
    return base;
  }

  /** Empty when an Earlybird agent answers {@code /-/healthy}, else why not (for the error message). */
  Optional<String> whyNotAnswering() {
    try {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(base.resolve("-/healthy")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().startsWith("Healthy")
          ? Optional.empty()
          : Optional.of("it answered " + r.statusCode() + ", not like an Earlybird agent");
    } catch (IOException e) {
      return Optional.of(describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  @Override
  public Api.HotQueriesJson hotQueries(ReportQuery q) throws ReportFailure {
    return read(get("/api/v1/hot-queries" + params(q)), Api.HotQueriesJson.class);
  }

  @Override
  public BaselineJson.Comparison compare(String baseline, ReportQuery q) throws ReportFailure {
    return read(get("/api/v1/baselines/" + segment(baseline) + "/compare" + params(q)), BaselineJson.Comparison.class);
  }

  @Override
  public List<BaselineJson.Baseline> baselines() throws ReportFailure {
    List<BaselineJson.Baseline> all = new java.util.ArrayList<>();
    String cursor = null;
    do { // every page: the list pages by 1,000 at most
      var page = read(get("/api/v1/baselines?limit=1000" + (cursor == null ? "" : "&cursor=" + segment(cursor))),
          dev.earlybird.web.BaselineApi.BaselinesPage.class);
      all.addAll(page.baselines());
      cursor = page.nextCursor();
    } while (cursor != null);
    return all;
  }

  @Override
  public BaselineJson.Baseline pin(String name, Optional<String> target, Instant from, Instant to)
      throws ReportFailure {
    String body;
    try {
      body = json.writeValueAsString(new BaselineJson.Pin(name, from.toString(), to.toString(), target.orElse(null)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    HttpRequest.Builder r = authorized(request("/api/v1/baselines"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    return read(send(r), BaselineJson.Baseline.class);
  }

  @Override
  public void delete(String name) throws ReportFailure {
    send(authorized(request("/api/v1/baselines/" + segment(name))).DELETE());
  }

  @Override
  public void close() {
    http.close();
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    // Relative to the base, which may sit under web.basePath: "/api/..." would resolve to the server's root.
    return HttpRequest.newBuilder(base.resolve(pathAndQuery.substring(1))).timeout(Duration.ofSeconds(60));
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder r) {
    // Without a token the agent answers 403 or 401 and says why; sending none is the honest request.
    token.ifPresent(t -> r.header("Authorization", "Bearer " + t.reveal()));
    return r;
  }

  private String get(String pathAndQuery) throws ReportFailure {
    return send(request(pathAndQuery).GET());
  }

  private String send(HttpRequest.Builder r) throws ReportFailure {
    HttpRequest request = r.build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ReportFailure(ReportFailure.RUNTIME,
          "the agent at " + base + " did not answer " + request.method() + " " + request.uri().getPath() + ": "
              + describe(e) + " (did it stop? run the command again)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReportFailure(ReportFailure.RUNTIME, "interrupted while waiting for the agent at " + base);
    }
    int status = response.statusCode();
    if (status / 100 == 2) {
      return response.body();
    }
    String error = errorOf(response.body());
    throw switch (status) {
      case 401, 403 -> new ReportFailure(ReportFailure.USAGE, "the agent at " + base + " refused: " + error
          + " (the command line sends --token, else $EARLYBIRD_WEB_TOKEN, else web.token of --config; it must be the "
          + "running agent's token)");
      case 400, 404, 409 -> new ReportFailure(ReportFailure.USAGE, error);
      default -> new ReportFailure(ReportFailure.RUNTIME,
          "the agent at " + base + " failed (" + status + "): " + error + "; see the agent's log");
    };
  }

  private String errorOf(String body) {
    try {
      JsonNode n = json.readTree(body);
      if (n != null && n.hasNonNull("error")) {
        return n.get("error").asText();
      }
    } catch (JsonProcessingException e) {
      // not the API's error document: show the start of what came back
    }
    return body.length() > 200 ? body.substring(0, 200) + "..." : body;
  }

  private <T> T read(String body, Class<T> type) throws ReportFailure {
    try {
      return json.readValue(body, type);
    } catch (JsonProcessingException e) {
      throw new ReportFailure(ReportFailure.RUNTIME, "the agent at " + base + " sent something this Earlybird cannot "
          + "read (" + e.getOriginalMessage() + "); is it the same version?");
    }
  }

  static String params(ReportQuery q) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("from", q.from().toString());
    p.put("to", q.to().toString());
    p.put("target", q.target());
    p.put("database", q.database());
    p.put("tenant", q.tenant());
    p.put("limit", Integer.toString(q.limit()));
    return p.entrySet().stream()
        .filter(e -> e.getValue() != null)
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&", "?", ""));
  }

  private static String segment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
  }
}
