package dev.earlybird.config;

import dev.earlybird.model.LabelMatcher;
import dev.earlybird.model.Severity;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Binds {@code alerts:}: receivers with the keys their type needs, and routes naming defined receivers. */
final class AlertsBinder {
  static final List<String> KEYS = List.of("leadTime", "minSeverity", "receivers", "routes", "forecast", "maxAge",
      "resendInterval");
  static final List<String> FORECAST_KEYS = List.of("hours", "maxCpuRatio");
  static final List<String> RECEIVER_KEYS =
      List.of("name", "type", "url", "routingKey", "secret", "smtp", "from", "to", "user", "password", "caFile");
  static final List<String> EMAIL_KEYS = List.of("smtp", "from", "to", "user", "password", "caFile");
  static final List<String> ROUTE_KEYS = List.of("match", "receivers", "continue");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private AlertsBinder() {}

  static AlertsConfig bind(Optional<MapNode> section) {
    if (section.isEmpty()) {
      return AlertsConfig.defaults();
    }
    MapNode m = section.get();
    Duration leadTime = m.value("leadTime", AlertsBinder::leadTime, AlertsConfig.DEFAULT_LEAD_TIME);
    Severity minSeverity =
        m.value("minSeverity", Values.lowercaseEnum(Severity.class, "severity"), AlertsConfig.DEFAULT_MIN_SEVERITY);
    Duration maxAge = m.value("maxAge", Values.duration(false), AlertsConfig.DEFAULT_MAX_AGE);
    Duration resendInterval =
        m.value("resendInterval", Values.duration(false), AlertsConfig.DEFAULT_RESEND_INTERVAL);
    ForecastConfig forecast = m.map("forecast", FORECAST_KEYS).map(f -> new ForecastConfig(
        f.value("hours", Values.integer(1, 24), ForecastConfig.DEFAULT.hours()),
        f.value("maxCpuRatio", Values.number(0), ForecastConfig.DEFAULT.maxCpuRatio()))).orElse(ForecastConfig.DEFAULT);
    // Names of receivers with other errors still count as defined, so routes do not get follow-up errors.
    Map<String, ConfigNode> declared = new LinkedHashMap<>();
    List<ReceiverConfig> receivers = new ArrayList<>();
    for (ConfigNode item : m.list("receivers").orElse(List.of())) {
      item.requiredMap(RECEIVER_KEYS, "a receiver with name and type")
          .flatMap(r -> receiver(r, declared))
          .ifPresent(receivers::add);
    }
    List<RouteConfig> routes = new ArrayList<>();
    for (ConfigNode item : m.list("routes").orElse(List.of())) {
      item.requiredMap(ROUTE_KEYS, "a route with receivers")
          .flatMap(r -> route(r, declared.keySet()))
          .ifPresent(routes::add);
    }
    return m.build(() -> new AlertsConfig(leadTime, minSeverity, receivers, routes, forecast, maxAge,
        resendInterval))
        .orElseGet(AlertsConfig::defaults);
  }

  private static Duration leadTime(String text) {
    Duration d = Values.duration(true).apply(text);
    if (d.compareTo(AlertsConfig.MAX_LEAD_TIME) >= 0) {
      throw new IllegalArgumentException(Values.quote(text) + " is a day or more; expected a lead time under 24h "
          + "(the review runs this long before each tenant's workdayStart)");
    }
    return d;
  }

  private static Optional<ReceiverConfig> receiver(MapNode r, Map<String, ConfigNode> declared) {
    Optional<String> name = r.required("name", Values.name("receiver name"), "a unique name like oncall");
    boolean unique = name.map(n -> {
      ConfigNode at = r.get("name").orElseThrow();
      ConfigNode first = declared.putIfAbsent(n, at);
      if (first != null) {
        at.problem("duplicate receiver name " + Values.quote(n) + ", first used by " + first.path() + " at "
            + at.context().problems().location(first.line()) + "; expected unique names (rename one)");
      }
      return first == null;
    }).orElse(false);
    Optional<ReceiverType> type = r.required("type", Values.lowercaseEnum(ReceiverType.class, "receiver type"),
        "one of alertmanager, pagerduty, slack, webhook, email");
    Optional<URI> url = r.optional("url", Values::httpUrl);
    Optional<Secret> routingKey = r.optional("routingKey", Secret::new);
    Optional<Secret> secret = r.optional("secret", Secret::new);
    if (type.isEmpty()) {
      return Optional.empty();
    }
    boolean ok = name.isPresent() && unique;
    ReceiverType t = type.get();
    if (t.needsUrl() && r.get("url").isEmpty()) {
      r.missing("url", switch (t) {
        case ALERTMANAGER -> "the Alertmanager base URL like http://127.0.0.1:9093";
        case SLACK -> "the Slack incoming-webhook URL, e.g. ${env:SLACK_WEBHOOK_URL}";
        default -> "the URL alerts are POSTed to, like https://hooks.example.com/earlybird";
      });
      ok = false;
    }
    if (t == ReceiverType.PAGERDUTY && r.get("routingKey").isEmpty()) {
      r.missing("routingKey", "the PagerDuty integration (routing) key, e.g. ${env:PAGERDUTY_ROUTING_KEY}");
      ok = false;
    }
    ok &= notUsed(r, "routingKey", t, ReceiverType.PAGERDUTY);
    ok &= notUsed(r, "secret", t, ReceiverType.WEBHOOK);
    for (String key : EMAIL_KEYS) {
      ok &= notUsed(r, key, t, ReceiverType.EMAIL);
    }
    if (t == ReceiverType.EMAIL) {
      Optional<ConfigNode> urlNode = r.get("url");
      if (urlNode.isPresent()) {
        urlNode.get().problem("not used by email receivers; expected the mail server in smtp: like "
            + "smtp://mail.example.com:587 (remove url)");
        ok = false;
      }
      Optional<EmailConfig> email = email(r);
      return ok && email.isPresent()
          ? r.build(() -> ReceiverConfig.email(name.get(), email.get()))
          : Optional.empty();
    }
    if (!ok || (r.get("url").isPresent() && url.isEmpty())) {
      return Optional.empty();
    }
    return r.build(() -> new ReceiverConfig(name.get(), t, url, routingKey, secret));
  }

  private static Optional<EmailConfig> email(MapNode r) {
    Optional<URI> smtp = r.required("smtp", EmailConfig::smtpUrl,
        "the mail server like smtp://mail.example.com:587 (STARTTLS) or smtps://mail.example.com:465");
    Optional<String> from = r.required("from", a -> address(a, "earlybird@example.com"),
        "the sender address like earlybird@example.com");
    List<String> to = new ArrayList<>();
    boolean ok = true;
    Optional<ConfigNode> toNode = r.get("to");
    if (toNode.isEmpty()) {
      r.missing("to", "a list of recipient addresses like [dba@example.com]");
      ok = false;
    } else {
      // One address may be written without the list brackets.
      List<ConfigNode> items = toNode.get().isList() ? toNode.get().list().orElse(List.of()) : List.of(toNode.get());
      if (items.isEmpty()) {
        toNode.get().problem("empty list; expected at least one address like dba@example.com");
        ok = false;
      }
      for (ConfigNode item : items) {
        Optional<String> a = item.as(v -> address(v, "dba@example.com"));
        ok &= a.isPresent();
        a.ifPresent(to::add);
      }
    }
    Optional<String> user = r.optional("user", String::strip);
    Optional<Secret> password = r.optional("password", Secret::new);
    if (user.isPresent() && r.get("password").isEmpty()) {
      r.missing("password", "the SMTP password with user, e.g. ${env:SMTP_PASSWORD} (or remove user)");
      ok = false;
    }
    if (r.get("password").isPresent() && r.get("user").isEmpty()) {
      r.missing("user", "the SMTP login name with password (or remove password)");
      ok = false;
    }
    Optional<Path> caFile = r.optional("caFile", AlertsBinder::caFile);
    if (!ok || smtp.isEmpty() || from.isEmpty() || (r.get("caFile").isPresent() && caFile.isEmpty())) {
      return Optional.empty();
    }
    return r.build(() -> new EmailConfig(smtp.get(), from.get(), to, user, password, caFile));
  }

  private static String address(String text, String example) {
    String a = text.strip();
    if (!EmailConfig.ADDRESS.matcher(a).matches()) {
      throw new IllegalArgumentException(Values.quote(text) + " is not an email address; expected one address "
          + "like " + example + (a.contains(",") || a.contains(";") ? " per list entry, e.g. [a@example.com, "
          + "b@example.com]" : ""));
    }
    return a;
  }

  private static Path caFile(String text) {
    Path p = Path.of(text.strip());
    if (!Files.isReadable(p)) {
      throw new IllegalArgumentException(Values.quote(text) + " is not a readable file; expected the PEM "
          + "certificate of the CA that signed the mail server's certificate");
    }
    return p;
  }

  /** A key meant for another receiver type is most likely a copy-paste slip; say so rather than ignore it. */
  private static boolean notUsed(MapNode r, String key, ReceiverType type, ReceiverType usedBy) {
    Optional<ConfigNode> node = r.get(key);
    if (type == usedBy || node.isEmpty()) {
      return true;
    }
    node.get().problem("not used by " + type.yamlName() + " receivers; expected it only with type: "
        + usedBy.yamlName() + " (remove it)");
    return false;
  }

  private static Optional<RouteConfig> route(MapNode r, Set<String> declared) {
    List<LabelMatcher> match = new ArrayList<>();
    r.map("match", null).ifPresent(m -> m.entries().forEach((label, node) -> {
      if (!LABEL.matcher(label).matches()) {
        node.problem("not a label name; expected letters, digits and _ like severity or tenant");
      } else {
        node.text().ifPresent(v -> {
          try {
            match.add(new LabelMatcher(label, v, true));
          } catch (IllegalArgumentException e) {
            node.problem(e.getMessage() + "; expected a word like morning or a regular expression like critical|warning");
          }
        });
      }
    }));
    boolean continueMatching = r.value("continue", Values::bool, false);
    Optional<ConfigNode> receiversNode = r.get("receivers");
    if (receiversNode.isEmpty()) {
      r.missing("receivers", "a list of receiver names like [oncall]");
      return Optional.empty();
    }
    Set<String> names = new LinkedHashSet<>();
    boolean ok = true;
    List<ConfigNode> items = receiversNode.get().list().orElse(null);
    if (items == null) {
      return Optional.empty();
    }
    if (items.isEmpty()) {
      receiversNode.get().problem("empty list; expected at least one receiver name (or remove the route)");
      return Optional.empty();
    }
    for (ConfigNode item : items) {
      Optional<String> name = item.text();
      if (name.isPresent() && !declared.contains(name.get())) {
        item.problem(Values.quote(name.get()) + " is not a defined receiver; expected one of "
            + (declared.isEmpty() ? "(none defined)" : String.join(", ", declared))
            + Suggest.closest(name.get(), declared).map(s -> " (did you mean " + s + "?)")
                .orElse(" (define it under alerts.receivers)"));
        ok = false;
      }
      name.ifPresent(names::add);
    }
    return ok && names.size() == items.size()
        ? r.build(() -> new RouteConfig(match, List.copyOf(names), continueMatching))
        : Optional.empty();
  }
}
