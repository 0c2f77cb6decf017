package dev.earlybird.testing.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local RDS that speaks the wire protocol of the SDK in use (rds 2.54.13: AWS Query, a form-encoded POST answered
 * with XML), for the real {@code RdsClient} pointed at it with {@code endpointOverride}. It knows
 * DescribeDBInstances and DescribeDBClusters with the {@code engine} filter and {@code Marker} paging, and can
 * throttle or deny calls. Every request is recorded with its parsed form and the region it was signed for.
 */
public final class FakeRds implements AutoCloseable {
  static final String NS = "http://rds.amazonaws.com/doc/2014-10-31/";
  private static final Pattern FILTER_NAME = Pattern.compile("Filters\\.Filter\\.(\\d+)\\.Name");
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/([^/]+)/aws4_request");

  /** One DB instance; {@code host} null for one without an endpoint yet (creating). */
  public record Instance(
      String identifier,
      String dbiResourceId,
      String engine,
      String status,
      String host,
      int port,
      String cluster,
      Map<String, String> tags) {
    public Instance {
      tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /** An available RDS PostgreSQL instance at {@code host:port}. */
    public static Instance postgres(String identifier, String host, int port) {
      return new Instance(identifier, "db-" + identifier.toUpperCase().replace("-", "") + "RESID", "postgres",
          "available", host, port, null, Map.of());
    }

    public Instance engine(String newEngine) {
      return new Instance(identifier, dbiResourceId, newEngine, status, host, port, cluster, tags);
    }

    public Instance status(String newStatus) {
      return new Instance(identifier, dbiResourceId, engine, newStatus, host, port, cluster, tags);
    }

    public Instance noEndpoint() {
      return new Instance(identifier, dbiResourceId, engine, status, null, port, cluster, tags);
    }

    public Instance inCluster(String newCluster) {
      return new Instance(identifier, dbiResourceId, "aurora-postgresql", status, host, port, newCluster, tags);
    }

    public Instance tag(String key, String value) {
      Map<String, String> t = new LinkedHashMap<>(tags);
      t.put(key, value);
      return new Instance(identifier, dbiResourceId, engine, status, host, port, cluster, t);
    }
  }

  /** One Aurora cluster and its tags; members are the instances naming it. */
  public record Cluster(String identifier, String engine, Map<String, String> tags) {}

  /** One request as received. */
  public record Request(String action, String region, Map<String, String> form) {}

  /** An error answer: HTTP status and the AWS error code. */
  public record Failure(int status, String code, String message) {
    public static Failure throttled() {
      return new Failure(400, "Throttling", "Rate exceeded");
    }

    public static Failure denied(String action) {
      return new Failure(403, "AccessDenied", "User: arn:aws:iam::123456789012:user/earlybird is not authorized "
          + "to perform: " + action + " on resource: arn:aws:rds:us-east-1:123456789012:db:*");
    }
  }

  private final HttpServer server;
  private volatile List<Instance> instances = List.of();
  private final Map<String, List<Instance>> regional = new ConcurrentHashMap<>();
  private volatile List<Cluster> clusters = List.of();
  private volatile int pageSize = 100;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Failure> failing = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();

  private FakeRds(HttpServer server) {
    this.server = server;
  }

  /** Starts on a free port of 127.0.0.1. */
  public static FakeRds start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      FakeRds fake = new FakeRds(server);
      server.createContext("/", fake::handle);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return fake;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the fake RDS", e);
    }
  }

  /** For {@code endpointOverride} and {@code discovery.endpoint}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The instances of every region without its own list. */
  public FakeRds instances(Instance... list) {
    instances = List.of(list);
    return this;
  }

  /** The instances of one region (the region the request was signed for). */
  public FakeRds instancesIn(String region, Instance... list) {
    regional.put(region, List.of(list));
    return this;
  }

  private List<Instance> instances(String region) {
    return regional.getOrDefault(region, instances);
  }

  public FakeRds clusters(Cluster... list) {
    clusters = List.of(list);
    return this;
  }

  /** Records per page (RDS: MaxRecords, default 100). */
  public FakeRds pageSize(int size) {
    pageSize = size;
    return this;
  }

  /** The next {@code times} calls of {@code action} ("DescribeDBInstances") fail with {@code failure}. */
  public FakeRds failNext(String action, int times, Failure failure) {
    failing.put(action, failure);
    failuresLeft.put(action, new AtomicInteger(times));
    return this;
  }

  /** Every call of {@code action} fails with {@code failure} until {@link #heal}. */
  public FakeRds failAlways(String action, Failure failure) {
    return failNext(action, Integer.MAX_VALUE, failure);
  }

  public FakeRds heal() {
    failing.clear();
    failuresLeft.clear();
    return this;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public long calls(String action) {
    return requests.stream().filter(r -> r.action().equals(action)).count();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> form = parseForm(body);
      String action = form.getOrDefault("Action", "");
      String auth = Optional.ofNullable(x.getRequestHeaders().getFirst("Authorization")).orElse("");
      Matcher scope = CREDENTIAL.matcher(auth);
      boolean signed = scope.find();
      String region = signed ? scope.group(1) : "";
      String service = signed ? scope.group(2) : "";
      requests.add(new Request(action, region, form));
      // The SDK signs for service "rds" in the client's region; anything else is not what production would send.
      if (!"POST".equals(x.getRequestMethod()) || !form.getOrDefault("Version", "").equals("2014-10-31")
          || !service.equals("rds")) {
        reply(x, 400, error("Sender", "InvalidAction", "expected a signed AWS Query POST of RDS 2014-10-31"));
        return;
      }
      Failure failure = failing.get(action);
      AtomicInteger left = failuresLeft.get(action);
      if (failure != null && left != null && left.getAndDecrement() > 0) {
        reply(x, failure.status(), error(failure.status() >= 500 ? "Receiver" : "Sender", failure.code(),
            failure.message()));
        return;
      }
      switch (action) {
        case "DescribeDBInstances" -> reply(x, 200, describeInstances(instances(region), form));
        case "DescribeDBClusters" -> reply(x, 200, describeClusters(instances(region), form));
        default -> reply(x, 400, error("Sender", "InvalidAction", "Could not find operation " + action));
      }
    }
  }

  private String describeInstances(List<Instance> instances, Map<String, String> form) {
    List<Instance> matching = instances.stream().filter(i -> engineFilter(form).map(e -> e.contains(i.engine()))
        .orElse(true)).toList();
    Page<Instance> page = page(matching, form);
    StringBuilder xml = new StringBuilder();
    for (Instance i : page.items()) {
      xml.append("<DBInstance>")
          .append(element("DBInstanceIdentifier", i.identifier()))
          .append(element("DBInstanceClass", "db.r6g.large"))
          .append(element("Engine", i.engine()))
          .append(element("DBInstanceStatus", i.status()))
          .append(element("MasterUsername", "postgres"));
      if (i.host() != null) {
        xml.append("<Endpoint>").append(element("Address", i.host())).append(element("Port", "" + i.port()))
            .append(element("HostedZoneId", "Z2R2ITUGPM61AM")).append("</Endpoint>");
      }
      xml.append(element("EngineVersion", i.engine().startsWith("aurora") ? "16.4" : "17.2"))
          .append(element("DbiResourceId", i.dbiResourceId()));
      if (i.cluster() != null) {
        xml.append(element("DBClusterIdentifier", i.cluster()));
      }
      xml.append(element("PerformanceInsightsEnabled", "true"))
          .append(tagList(i.tags()))
          .append("</DBInstance>");
    }
    return result("DescribeDBInstances", "<DBInstances>" + xml + "</DBInstances>" + page.marker());
  }

  private String describeClusters(List<Instance> instances, Map<String, String> form) {
    List<Cluster> matching = clusters.stream().filter(c -> engineFilter(form).map(e -> e.contains(c.engine()))
        .orElse(true)).toList();
    Page<Cluster> page = page(matching, form);
    StringBuilder xml = new StringBuilder();
    for (Cluster c : page.items()) {
      xml.append("<DBCluster>")
          .append(element("DBClusterIdentifier", c.identifier()))
          .append(element("Engine", c.engine()))
          .append(element("Status", "available"))
          .append("<DBClusterMembers>");
      for (Instance i : instances) {
        if (c.identifier().equals(i.cluster())) {
          xml.append("<DBClusterMember>").append(element("DBInstanceIdentifier", i.identifier()))
              .append(element("IsClusterWriter", "false")).append("</DBClusterMember>");
        }
      }
      xml.append("</DBClusterMembers>").append(tagList(c.tags())).append("</DBCluster>");
    }
    return result("DescribeDBClusters", "<DBClusters>" + xml + "</DBClusters>" + page.marker());
  }

  private record Page<T>(List<T> items, String marker) {}

  /** Markers are opaque to clients; here "offset-N". */
  private <T> Page<T> page(List<T> all, Map<String, String> form) {
    int from = Integer.parseInt(form.getOrDefault("Marker", "offset-0").substring("offset-".length()));
    int size = Math.min(pageSize, Integer.parseInt(form.getOrDefault("MaxRecords", "100")));
    int to = Math.min(all.size(), from + size);
    String marker = to < all.size() ? element("Marker", "offset-" + to) : "";
    return new Page<>(all.subList(Math.min(from, all.size()), to), marker);
  }

  private static Optional<Set<String>> engineFilter(Map<String, String> form) {
    for (var e : form.entrySet()) {
      Matcher m = FILTER_NAME.matcher(e.getKey());
      if (m.matches() && e.getValue().equals("engine")) {
        String prefix = "Filters.Filter." + m.group(1) + ".Values.Value.";
        return Optional.of(Set.copyOf(form.entrySet().stream().filter(v -> v.getKey().startsWith(prefix))
            .map(Map.Entry::getValue).toList()));
      }
    }
    return Optional.empty();
  }

  private static String tagList(Map<String, String> tags) {
    StringBuilder xml = new StringBuilder("<TagList>");
    tags.forEach((k, v) -> xml.append("<Tag>").append(element("Key", k)).append(element("Value", v)).append("</Tag>"));
    return xml.append("</TagList>").toString();
  }

  private static String result(String action, String inner) {
    return "<" + action + "Response xmlns=\"" + NS + "\"><" + action + "Result>" + inner + "</" + action
        + "Result><ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata></"
        + action + "Response>";
  }

  private static String error(String type, String code, String message) {
    return "<ErrorResponse xmlns=\"" + NS + "\"><Error>" + element("Type", type) + element("Code", code)
        + element("Message", message) + "</Error>" + element("RequestId", UUID.randomUUID().toString())
        + "</ErrorResponse>";
  }

  private static String element(String name, String value) {
    return "<" + name + ">" + value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</" + name + ">";
  }

  private static void reply(HttpExchange x, int status, String xml) throws IOException {
    byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml).getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "text/xml");
    x.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
  }

  static Map<String, String> parseForm(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.put(key, value);
    }
    return form;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** For messages: what was asked, in order. */
  public List<String> actions() {
    List<String> out = new ArrayList<>();
    requests.forEach(r -> out.add(r.action() + "@" + r.region()));
    return out;
  }
}
