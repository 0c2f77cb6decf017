package dev.earlybird.testing.aws;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * CloudWatch's {@code GetMetricData} as the AWS SDK 2.54.15 speaks it: Smithy RPC v2 CBOR on {@code POST
 * /service/GraniteServiceVersion20100801/operation/GetMetricData}, CBOR maps in and out, timestamps as CBOR tag 1
 * and epoch seconds, errors as {@code {"__type": "com.amazonaws.cloudwatch#Code", "message": ...}}.
 *
 * <p>It checks every request the way CloudWatch would and more strictly (the SDK validates nothing): the
 * protocol headers and SigV4 signing name, at most 500 queries with unique ids starting lowercase, namespace
 * {@code AWS/RDS}, known metric names, one dimension {@code DBInstanceIdentifier} or {@code DBClusterIdentifier},
 * the expected period, {@code Average}, and a window aligned to the period. A request that breaks a rule is
 * answered 400 and recorded in {@link #problems()}, which tests assert empty. Every request is recorded so
 * tests can check batching and windows.
 */
public final class FakeCloudWatch implements AutoCloseable {
  public static final String PATH = "/service/GraniteServiceVersion20100801/operation/GetMetricData";
  public static final Set<String> METRICS = Set.of("CPUUtilization", "DBLoad", "DBLoadCPU", "DBLoadNonCPU",
      "FreeableMemory", "ReadIOPS", "WriteIOPS", "DatabaseConnections");
  public static final String INSTANCE = "DBInstanceIdentifier";
  public static final String CLUSTER = "DBClusterIdentifier";
  private static final Pattern ID = Pattern.compile("[a-z][a-zA-Z0-9_]*");
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  /** One metric of one dimension value, as asked. */
  public record Query(String id, String metric, String dimension, String identifier, int periodSeconds, String stat) {}

  /** One HTTP request (each SDK attempt and each page is one). */
  public record Request(List<Query> queries, Instant start, Instant end, Optional<String> nextToken, int attempt) {}

  private enum Fault { THROTTLE, DENY }

  private record Series(String dimension, String identifier, String metric) {}

  private final HttpServer server;
  private final int periodSeconds;
  private final Map<Series, NavigableMap<Instant, Double>> data = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final Map<String, Request> issued = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger tokens = new java.util.concurrent.atomic.AtomicInteger();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final Set<String> forbidden = ConcurrentHashMap.newKeySet();
  private final Set<String> internalErrors = ConcurrentHashMap.newKeySet();
  private volatile boolean denied;
  private volatile int pageSize = Integer.MAX_VALUE;

  private FakeCloudWatch(int periodSeconds) throws IOException {
    this.periodSeconds = periodSeconds;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Listens on 127.0.0.1 on a free port; requests must ask for datapoints of {@code period}. */
  public static FakeCloudWatch start(Duration period) {
    try {
      return new FakeCloudWatch((int) period.toSeconds());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the CloudWatch fake", e);
    }
  }

  /** For {@code endpointOverride} / {@code aws.endpoint}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Publishes a datapoint of {@code metric} for {@code dimension=identifier}, for the period starting at {@code at}. */
  public void put(String dimension, String identifier, String metric, Instant at, double value) {
    if (!METRICS.contains(metric)) {
      throw new IllegalArgumentException("not a metric the agent reads: " + metric);
    }
    data.computeIfAbsent(new Series(dimension, identifier, metric), k -> new ConcurrentSkipListMap<>()).put(at, value);
  }

  /** The next {@code n} requests are throttled (400 ThrottlingException). */
  public synchronized void throttleNext(int n) {
    for (int i = 0; i < n; i++) {
      faults.add(Fault.THROTTLE);
    }
  }

  /** While on, every request is refused with 403 AccessDenied (missing cloudwatch:GetMetricData). */
  public void denyAccess(boolean on) {
    denied = on;
  }

  /** Results of this identifier come back with {@code StatusCode: Forbidden}. */
  public void forbid(String identifier) {
    forbidden.add(identifier);
  }

  /** Results of this identifier come back with {@code StatusCode: InternalError}, until {@link #recover}. */
  public void internalError(String identifier) {
    internalErrors.add(identifier);
  }

  public void recover(String identifier) {
    internalErrors.remove(identifier);
    forbidden.remove(identifier);
  }

  /** At most this many datapoints per answer; the rest follows with {@code NextToken} and PartialData. */
  public void pageSize(int datapoints) {
    pageSize = datapoints;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Rule violations found in requests; tests assert this is empty. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      List<String> wrong = new ArrayList<>();
      checkHeaders(ex, wrong);
      Request request = wrong.isEmpty() ? parse(body, attempt(ex), wrong) : null;
      if (request != null) {
        requests.add(request);
      }
      if (!wrong.isEmpty()) {
        problems.addAll(wrong);
        error(ex, 400, "ValidationError", String.join("; ", wrong));
        return;
      }
      Fault fault;
      synchronized (this) {
        fault = faults.poll();
      }
      if (denied || fault == Fault.DENY) {
        ex.getResponseHeaders().add("x-amzn-query-error", "AccessDenied;Sender");
        error(ex, 403, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/earlybird is not authorized to "
            + "perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action");
        return;
      }
      if (fault == Fault.THROTTLE) {
        error(ex, 400, "ThrottlingException", "Rate exceeded");
        return;
      }
      answer(ex, request);
    } catch (RuntimeException e) {
      problems.add("fake failed: " + e);
      throw e;
    }
  }

  private static void checkHeaders(HttpExchange ex, List<String> wrong) {
    var h = ex.getRequestHeaders();
    expect(wrong, "method", "POST", ex.getRequestMethod());
    expect(wrong, "path", PATH, ex.getRequestURI().getPath());
    expect(wrong, "Content-Type", "application/cbor", h.getFirst("Content-Type"));
    expect(wrong, "Smithy-Protocol", "rpc-v2-cbor", h.getFirst("Smithy-Protocol"));
    String auth = String.valueOf(h.getFirst("Authorization"));
    // Any access key id: unit tests sign with AKID, the real jar with whatever its environment gives it.
    if (!auth.matches("AWS4-HMAC-SHA256 Credential=[A-Z0-9]+/\\d{8}/[a-z0-9-]+/monitoring/aws4_request,.*")) {
      wrong.add("not signed with SigV4 for 'monitoring': " + auth);
    }
  }

  private Request parse(byte[] body, int attempt, List<String> wrong) throws IOException {
    JsonNode root = CBOR.readTree(body);
    List<Query> queries = new ArrayList<>();
    JsonNode list = root.path("MetricDataQueries");
    if (!list.isArray() || list.isEmpty() || list.size() > 500) {
      wrong.add("MetricDataQueries must hold 1..500 queries, got " + list.size());
    }
    Set<String> ids = new HashSet<>();
    for (JsonNode q : list) {
      String id = q.path("Id").asText();
      if (!ID.matcher(id).matches() || !ids.add(id)) {
        wrong.add("query id " + id + " must be unique and start with a lowercase letter");
      }
      if (q.has("ReturnData") && !q.get("ReturnData").asBoolean()) {
        wrong.add(id + ": ReturnData false");
      }
      JsonNode stat = q.path("MetricStat");
      JsonNode metric = stat.path("Metric");
      expect(wrong, id + " Namespace", "AWS/RDS", metric.path("Namespace").asText());
      String name = metric.path("MetricName").asText();
      if (!METRICS.contains(name)) {
        wrong.add(id + ": unexpected MetricName " + name);
      }
      JsonNode dims = metric.path("Dimensions");
      String dimension = dims.path(0).path("Name").asText();
      if (dims.size() != 1 || !(dimension.equals(INSTANCE) || dimension.equals(CLUSTER))) {
        wrong.add(id + ": expected one dimension " + INSTANCE + " or " + CLUSTER + ", got " + dims);
      }
      int period = stat.path("Period").asInt();
      if (period != periodSeconds) {
        wrong.add(id + ": Period " + period + " instead of " + periodSeconds);
      }
      expect(wrong, id + " Stat", "Average", stat.path("Stat").asText());
      queries.add(new Query(id, name, dimension, dims.path(0).path("Value").asText(), period, stat.path("Stat").asText()));
    }
    Instant start = epoch(root.path("StartTime"));
    Instant end = epoch(root.path("EndTime"));
    if (!start.isBefore(end)) {
      wrong.add("StartTime " + start + " is not before EndTime " + end);
    }
    for (Instant t : List.of(start, end)) {
      if (t.getNano() != 0 || t.getEpochSecond() % periodSeconds != 0) {
        wrong.add(t + " is not aligned to the period of " + periodSeconds + " s");
      }
    }
    Optional<String> token = root.has("NextToken") ? Optional.of(root.get("NextToken").asText()) : Optional.empty();
    Request request = new Request(List.copyOf(queries), start, end, token, attempt);
    token.ifPresent(t -> {
      Request first = issued.get(t);
      if (first == null || !first.queries().equals(request.queries()) || !first.start().equals(start)
          || !first.end().equals(end)) {
        wrong.add("NextToken " + t + " was not issued for these queries and this window");
      }
    });
    return request;
  }

  /** The SDK's attempt number from {@code amz-sdk-request: attempt=2; max=3}. */
  private static int attempt(HttpExchange ex) {
    String h = String.valueOf(ex.getRequestHeaders().getFirst("amz-sdk-request"));
    var m = Pattern.compile("attempt=(\\d+)").matcher(h);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static Instant epoch(JsonNode n) {
    double seconds = n.asDouble(Double.NaN);
    if (Double.isNaN(seconds)) {
      return Instant.EPOCH;
    }
    long whole = (long) Math.floor(seconds);
    return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1e9));
  }

  private static void expect(List<String> wrong, String what, String expected, String actual) {
    if (!expected.equals(actual)) {
      wrong.add(what + ": expected " + expected + ", got " + actual);
    }
  }

  /** One datapoint of the answer, in answer order: query by query, newest first (CloudWatch's default order). */
  private record Point(int query, Instant at, double value) {}

  private void answer(HttpExchange ex, Request r) throws IOException {
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < r.queries().size(); i++) {
      Query q = r.queries().get(i);
      if (forbidden.contains(q.identifier()) || internalErrors.contains(q.identifier())) {
        continue;
      }
      var series = data.getOrDefault(new Series(q.dimension(), q.identifier(), q.metric()), new ConcurrentSkipListMap<>());
      int index = i;
      series.subMap(r.start(), true, r.end(), false).descendingMap()
          .forEach((at, v) -> points.add(new Point(index, at, v)));
    }
    int offset = r.nextToken().map(t -> Integer.parseInt(t.split("-")[1])).orElse(0);
    int to = (int) Math.min(points.size(), (long) offset + pageSize);
    List<Point> page = points.subList(Math.min(offset, points.size()), to);
    boolean more = to < points.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CBORGenerator g = (CBORGenerator) CBOR.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeFieldName("MetricDataResults");
      g.writeStartArray();
      for (int i = 0; i < r.queries().size(); i++) {
        Query q = r.queries().get(i);
        int index = i;
        List<Point> own = page.stream().filter(p -> p.query() == index).sorted(Comparator.comparing(Point::at).reversed())
            .toList();
        g.writeStartObject();
        g.writeStringField("Id", q.id());
        g.writeStringField("Label", q.metric());
        g.writeFieldName("Timestamps");
        g.writeStartArray();
        for (Point p : own) {
          g.writeTag(1);
          g.writeNumber((double) p.at().getEpochSecond());
        }
        g.writeEndArray();
        g.writeFieldName("Values");
        g.writeStartArray();
        for (Point p : own) {
          g.writeNumber(p.value());
        }
        g.writeEndArray();
        String status = forbidden.contains(q.identifier()) ? "Forbidden"
            : internalErrors.contains(q.identifier()) ? "InternalError"
            : more ? "PartialData" : "Complete";
        g.writeStringField("StatusCode", status);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeFieldName("Messages");
      g.writeStartArray();
      g.writeEndArray();
      if (more) {
        String token = "page-" + to + "-" + tokens.incrementAndGet();
        issued.put(token, r);
        g.writeStringField("NextToken", token);
      }
      g.writeEndObject();
    }
    send(ex, 200, out.toByteArray());
  }

  private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = CBOR.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("__type", "com.amazonaws.cloudwatch#" + code);
      g.writeStringField("message", message);
      g.writeEndObject();
    }
    send(ex, status, out.toByteArray());
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.getResponseHeaders().add("Content-Type", "application/cbor");
    ex.getResponseHeaders().add("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
