package dev.earlybird.testing.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local Performance Insights endpoint speaking the SDK's wire protocol (awsJson1_1: {@code POST /},
 * {@code X-Amz-Target: PerformanceInsightsv20180227.<Operation>}, JSON with epoch-second timestamps). It checks
 * requests the way PI would (metric names with {@code .avg}, periods, aligned times, limits) and answers from the
 * digests a test gives it, scaled to nothing: loads are average active sessions, as PI reports them.
 */
public final class FakePi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "PerformanceInsightsv20180227.";
  private static final Set<String> ADDITIONAL = Set.of("db.sql_tokenized.stats.calls_per_sec.avg",
      "db.sql_tokenized.stats.avg_latency_per_call.avg", "db.sql_tokenized.stats.rows_per_call.avg",
      "db.sql_tokenized.stats.rows_per_sec.avg", "db.sql_tokenized.stats.total_time_per_sec.avg");

  /**
   * One digest: its load in average active sessions per wait event type; additional metrics may be null.
   */
  public record Digest(String id, String dbId, String statement, Map<String, Double> sessionsByWaitType,
      Double callsPerSec, Double latencyMs, Double rowsPerCall) {
    double total() {
      return sessionsByWaitType.values().stream().mapToDouble(Double::doubleValue).sum();
    }
  }

  /** A recorded request: the operation, its JSON body and the access key it was signed with. */
  public record Request(String operation, JsonNode body, String accessKeyId) {
    public Request(String operation, JsonNode body) {
      this(operation, body, "");
    }
  }

  private final HttpServer server;
  private final Map<String, List<Digest>> digests = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Double>> databases = new ConcurrentHashMap<>();
  private final Set<String> denied = ConcurrentHashMap.newKeySet();
  private final Set<String> disabled = ConcurrentHashMap.newKeySet();
  private final AtomicInteger throttleNext = new AtomicInteger();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private volatile int pageSize = 25;

  public FakePi() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public FakePi digests(String resource, List<Digest> list) {
    digests.put(resource, List.copyOf(list));
    return this;
  }

  /** Load per database, in average active sessions, all on CPU. */
  public FakePi databases(String resource, Map<String, Double> sessions) {
    databases.put(resource, Map.copyOf(sessions));
    return this;
  }

  /** Keys per page of DescribeDimensionKeys (and series per page of GetResourceMetrics). */
  public FakePi pageSize(int size) {
    pageSize = size;
    return this;
  }

  public FakePi deny(String resource) {
    denied.add(resource);
    return this;
  }

  public FakePi disable(String resource) {
    disabled.add(resource);
    return this;
  }

  /** The next {@code n} requests are throttled. */
  public FakePi throttle(int n) {
    throttleNext.set(n);
    return this;
  }

  public List<Request> requests() {
    return Collections.unmodifiableList(requests);
  }

  public List<Request> requests(String operation) {
    return requests.stream().filter(r -> r.operation().equals(operation)).toList();
  }

  /** Requests PI would have refused; tests assert there are none. */
  public List<String> violations() {
    return Collections.unmodifiableList(violations);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
      if (!"POST".equals(ex.getRequestMethod()) || target == null || !target.startsWith(PREFIX)
          || type == null || !type.startsWith("application/x-amz-json-1.1")) {
        violations.add("not an awsJson1_1 PI request: " + ex.getRequestMethod() + " " + target + " " + type);
        error(ex, 400, "UnknownOperationException", "bad request");
        return;
      }
      String op = target.substring(PREFIX.length());
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      java.util.regex.Matcher key = java.util.regex.Pattern.compile("Credential=([^/]+)/")
          .matcher(auth == null ? "" : auth);
      requests.add(new Request(op, body, key.find() ? key.group(1) : ""));
      if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        error(ex, 400, "ThrottlingException", "Rate exceeded");
        return;
      }
      String resource = body.path("Identifier").asText();
      if (denied.contains(resource)) {
        error(ex, 403, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/test is not authorized to "
            + "perform: pi:" + op + " on resource: arn:aws:pi:us-east-1:123456789012:metrics/rds/" + resource);
        return;
      }
      if (disabled.contains(resource)) {
        error(ex, 400, "InvalidArgumentException", "Performance Insights is not enabled for " + resource);
        return;
      }
      if (!"RDS".equals(body.path("ServiceType").asText())) {
        violations.add(op + ": ServiceType " + body.path("ServiceType"));
      }
      switch (op) {
        case "DescribeDimensionKeys" -> reply(ex, describe(resource, body));
        case "GetResourceMetrics" -> reply(ex, metrics(resource, body));
        case "GetResourceMetadata" -> reply(ex, JSON.createObjectNode().put("Identifier", resource)
            .set("Features", JSON.createObjectNode().set("SQL_DIGEST_STATISTICS",
                JSON.createObjectNode().put("Status", "ENABLED"))));
        default -> error(ex, 400, "UnknownOperationException", op);
      }
    }
  }

  private void checkWindow(String op, JsonNode body) {
    double start = body.path("StartTime").asDouble(-1), end = body.path("EndTime").asDouble(-1);
    int period = body.path("PeriodInSeconds").asInt(0);
    if (!List.of(1, 60, 300, 3600, 86400).contains(period)) {
      violations.add(op + ": PeriodInSeconds " + period);
      return;
    }
    if (start < 0 || end <= start || start % period != 0 || end % period != 0) {
      violations.add(op + ": window " + start + ".." + end + " not aligned to " + period);
    }
  }

  private ObjectNode describe(String resource, JsonNode body) {
    checkWindow("DescribeDimensionKeys", body);
    if (!"db.load.avg".equals(body.path("Metric").asText())) {
      violations.add("DescribeDimensionKeys: Metric " + body.path("Metric"));
    }
    int limit = body.path("GroupBy").path("Limit").asInt(10);
    if (limit < 1 || limit > 25 || body.path("MaxResults").asInt(25) > 25) {
      violations.add("DescribeDimensionKeys: limits " + body);
    }
    body.path("AdditionalMetrics").forEach(m -> {
      if (!ADDITIONAL.contains(m.asText())) {
        violations.add("DescribeDimensionKeys: AdditionalMetrics " + m.asText());
      }
    });
    String group = body.path("GroupBy").path("Group").asText();
    boolean byWait = "db.wait_event_type".equals(body.path("PartitionBy").path("Group").asText());
    List<String> waitTypes = List.of("CPU", "IO", "Lock", "LWLock", "Client");
    ObjectNode out = JSON.createObjectNode();
    out.put("AlignedStartTime", body.path("StartTime").asDouble());
    out.put("AlignedEndTime", body.path("EndTime").asDouble());
    if (byWait) {
      ArrayNode pk = out.putArray("PartitionKeys");
      waitTypes.forEach(w -> pk.addObject().putObject("Dimensions").put("db.wait_event_type.name", w));
    }
    List<ObjectNode> keys = new ArrayList<>();
    if ("db.sql_tokenized".equals(group)) {
      for (Digest d : digests.getOrDefault(resource, List.of()).stream().limit(limit).toList()) {
        ObjectNode k = JSON.createObjectNode();
        ObjectNode dims = k.putObject("Dimensions");
        dims.put("db.sql_tokenized.id", d.id());
        if (d.dbId() != null) {
          dims.put("db.sql_tokenized.db_id", d.dbId());
        }
        dims.put("db.sql_tokenized.statement", d.statement());
        k.put("Total", d.total());
        if (byWait) {
          ArrayNode parts = k.putArray("Partitions");
          waitTypes.forEach(w -> parts.add(d.sessionsByWaitType().getOrDefault(w, 0.0)));
        }
        if (d.callsPerSec() != null) {
          ObjectNode extra = k.putObject("AdditionalMetrics");
          extra.put("db.sql_tokenized.stats.calls_per_sec.avg", d.callsPerSec());
          extra.put("db.sql_tokenized.stats.avg_latency_per_call.avg", d.latencyMs());
          extra.put("db.sql_tokenized.stats.rows_per_call.avg", d.rowsPerCall());
        }
        keys.add(k);
      }
    } else if ("db".equals(group)) {
      databases.getOrDefault(resource, Map.of()).forEach((name, load) -> {
        ObjectNode k = JSON.createObjectNode();
        k.putObject("Dimensions").put("db.name", name);
        k.put("Total", load);
        if (byWait) {
          ArrayNode parts = k.putArray("Partitions");
          waitTypes.forEach(w -> parts.add(w.equals("CPU") ? load : 0.0));
        }
        keys.add(k);
      });
    } else {
      violations.add("DescribeDimensionKeys: GroupBy " + group);
    }
    int from = body.hasNonNull("NextToken") ? Integer.parseInt(body.get("NextToken").asText().substring(4)) : 0;
    int to = Math.min(keys.size(), from + pageSize);
    ArrayNode arr = out.putArray("Keys");
    keys.subList(from, to).forEach(arr::add);
    if (to < keys.size()) {
      out.put("NextToken", "page" + to);
    }
    return out;
  }

  private ObjectNode metrics(String resource, JsonNode body) {
    checkWindow("GetResourceMetrics", body);
    JsonNode q = body.path("MetricQueries").path(0);
    if (!"db.load.avg".equals(q.path("Metric").asText())) {
      violations.add("GetResourceMetrics: Metric " + q.path("Metric"));
    }
    long start = (long) body.path("StartTime").asDouble(), end = (long) body.path("EndTime").asDouble();
    int period = Math.max(1, body.path("PeriodInSeconds").asInt(60));
    Map<String, Double> byType = new LinkedHashMap<>();
    for (Digest d : digests.getOrDefault(resource, List.of())) {
      d.sessionsByWaitType().forEach((w, v) -> byType.merge(w, v, Double::sum));
    }
    List<ObjectNode> series = new ArrayList<>();
    series.add(series(null, byType.values().stream().mapToDouble(Double::doubleValue).sum(), start, end, period));
    byType.forEach((w, v) -> series.add(series(w, v, start, end, period)));
    int from = body.hasNonNull("NextToken") ? Integer.parseInt(body.get("NextToken").asText().substring(4)) : 0;
    int to = Math.min(series.size(), from + pageSize);
    ObjectNode out = JSON.createObjectNode();
    out.put("AlignedStartTime", start).put("AlignedEndTime", end).put("Identifier", resource);
    ArrayNode list = out.putArray("MetricList");
    series.subList(from, to).forEach(list::add);
    if (to < series.size()) {
      out.put("NextToken", "page" + to);
    }
    return out;
  }

  private static ObjectNode series(String waitType, double value, long start, long end, int period) {
    ObjectNode s = JSON.createObjectNode();
    ObjectNode key = s.putObject("Key").put("Metric", "db.load.avg");
    if (waitType != null) {
      key.putObject("Dimensions").put("db.wait_event_type.name", waitType);
    }
    ArrayNode points = s.putArray("DataPoints");
    for (long t = start + period; t <= end; t += period) {
      points.addObject().put("Timestamp", (double) t).put("Value", value);
    }
    return s;
  }

  private static void reply(HttpExchange ex, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    ex.sendResponseHeaders(200, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  private static void error(HttpExchange ex, int status, String type, String message) throws IOException {
    byte[] bytes = JSON.writeValueAsString(Map.of("__type", type, "message", message))
        .getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    ex.getResponseHeaders().set("x-amzn-ErrorType", type);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
