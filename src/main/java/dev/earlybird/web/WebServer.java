package dev.earlybird.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.config.ConfigException;
import dev.earlybird.history.BaselineException;
import dev.earlybird.metrics.AgentMetrics;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: health, readiness, metrics, the JSON API and the pages. Reads are open to whoever reaches
 * {@code listen}; write actions (baselines, silences, {@code POST /-/reload}) need the bearer token of {@code web.token},
 * or a page's form with it (see {@link WriteAccess}, {@link FormWrites}). Every route, link and asset sits under {@code web.basePath}, for a reverse proxy.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);

  /** Methods that change nothing; every other one needs the write token, whatever route it is for. */
  private static final Set<HandlerType> SAFE = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);

  private final Javalin app;

  /**
   * The routes that depend on the config. A reload builds a new set and swaps it in at once, so every request sees
   * one config, never a mix, and no route keeps an old one.
   */
  public record Handlers(
      Api api, FindingsApi findings, QueriesApi queries, BaselineApi baselines, Pages pages, AlertsApi alerts,
      FamiliesApi families) {
    /** Without alerting: its routes answer 404 (until the agent wires it). */
    public Handlers(Api api, FindingsApi findings, QueriesApi queries, BaselineApi baselines, Pages pages) {
      this(api, findings, queries, baselines, pages, null);
    }

    /** Without the families view: its routes answer 404. */
    public Handlers(
        Api api, FindingsApi findings, QueriesApi queries, BaselineApi baselines, Pages pages, AlertsApi alerts) {
      this(api, findings, queries, baselines, pages, alerts, null);
    }

    FamiliesApi familyView() {
      if (families == null) {
        throw new ApiError(404, "the families view is not enabled in this agent");
      }
      return families;
    }

    AlertsApi alerting() {
      if (alerts == null) {
        throw new ApiError(404, "alerting is not enabled in this agent");
      }
      return alerts;
    }
  }

  /** With handlers that never change and no reload. */
  public WebServer(
      Api api,
      FindingsApi findings,
      QueriesApi queries,
      BaselineApi baselines,
      Pages pages,
      AgentMetrics metrics,
      Readiness readiness) {
    this(() -> new Handlers(api, findings, queries, baselines, pages), metrics, readiness, Reloader.NONE);
  }

  /**
   * @param current the handlers of the config in use, read at each request
   * @param reloader what {@code POST /-/reload} (with the write token) runs
   */
  public WebServer(Supplier<Handlers> current, AgentMetrics metrics, Readiness readiness, Reloader reloader) {
    this(current, metrics, readiness, reloader, "");
  }

  /** @param basePath {@code web.basePath}: "" or a valid path like {@code /earlybird} (see WebConfig) */
  public WebServer(
      Supplier<Handlers> current, AgentMetrics metrics, Readiness readiness, Reloader reloader, String basePath) {
    ObjectMapper json = Json.mapper();
    app =
        Javalin.create(
            config -> {
              if (!basePath.isEmpty()) {
                config.router.contextPath = basePath;
              }
              config.routes.before(SecurityHeaders::apply);
              // A browser can be made to send a POST or DELETE cross-site, but never with our Authorization header,
              // nor a form with the token it does not know: refusing every unsafe method without the token here means
              // no route can forget it (no CSRF). A form post from another site is refused besides (FormWrites).
              config.routes.before(ctx -> {
                if (!SAFE.contains(ctx.method())) {
                  current.get().baselines().access().require(ctx);
                }
              });
              config.jsonMapper(new JavalinJackson(json, true));
              config.concurrency.useVirtualThreads = true;
              config.startup.showJavalinBanner = false;
              config.routes.get("/-/healthy", ctx -> ctx.result("Healthy\n"));
              config.routes.get(
                  "/-/ready",
                  ctx -> {
                    var because = readiness.notReadyBecause();
                    if (because.isEmpty()) {
                      ctx.result("Ready\n");
                    } else {
                      ctx.status(503).result("Not ready: " + because.get() + "\n");
                    }
                  });
              config.routes.get(
                  "/metrics",
                  ctx -> {
                    AgentMetrics.Scrape s = metrics.scrape(ctx.header("Accept"));
                    ctx.contentType(s.contentType()).result(s.body());
                  });
              config.routes.get("/api/v1/targets", ctx -> current.get().api().targets(ctx));
              config.routes.get("/api/v1/targets/{target}/load", ctx -> current.get().queries().targetLoad(ctx));
              config.routes.get("/api/v1/hot-queries", ctx -> current.get().api().hotQueries(ctx));
              config.routes.get("/api/v1/baselines", ctx -> current.get().baselines().list(ctx));
              config.routes.post("/api/v1/baselines", ctx -> current.get().baselines().pin(ctx));
              config.routes.delete("/api/v1/baselines/{name}", ctx -> current.get().baselines().delete(ctx));
              config.routes.get("/api/v1/baselines/{name}/compare", ctx -> current.get().baselines().compare(ctx));
              config.routes.get("/hot", ctx -> current.get().pages().hot(ctx));
              config.routes.get("/api/v1/families", ctx -> current.get().familyView().list(ctx));
              config.routes.get("/api/v1/families/{family}", ctx -> current.get().familyView().get(ctx));
              config.routes.get("/families", ctx -> current.get().familyView().pages().list(ctx));
              config.routes.get("/families/{family}", ctx -> current.get().familyView().pages().detail(ctx));
              config.routes.get("/baselines", ctx -> current.get().pages().baselines(ctx));
              config.routes.get("/baselines/{name}", ctx -> current.get().pages().compare(ctx));
              config.routes.post("/baselines", ctx -> current.get().pages().pin(ctx));
              config.routes.post("/baselines/{name}/delete", ctx -> current.get().pages().deleteBaseline(ctx));
              config.routes.get("/api/v1/findings", ctx -> current.get().findings().list(ctx));
              config.routes.get("/", ctx -> current.get().pages().fleet(ctx));
              config.routes.get("/api/v1/fleet", ctx -> current.get().pages().fleetApi().get(ctx));
              config.routes.get("/advice", ctx -> current.get().pages().advice(ctx));
              config.routes.get("/api/v1/advice", ctx -> current.get().pages().adviceApi().list(ctx));
              config.routes.get("/findings", ctx -> current.get().pages().findings(ctx));
              config.routes.get(
                  "/api/v1/queries/{target}/{database}/{queryId}", ctx -> current.get().queries().get(ctx));
              config.routes.get("/queries/{target}/{database}/{queryId}", ctx -> current.get().pages().query(ctx));
              config.routes.get("/assets/<path>", Assets::serve);
              config.routes.get("/api/v1/queries/{target}/{database}/{queryId}/plans",
                  ctx -> current.get().queries().plans(ctx));
              config.routes.get("/api/v1/reviews", ctx -> current.get().alerting().reviews(ctx));
              config.routes.get("/api/v1/reviews/{id}", ctx -> current.get().alerting().reviewBody(ctx));
              config.routes.get("/api/v1/reviews/{tenant}/{workday}", ctx -> current.get().alerting().reviewBody(ctx));
              config.routes.get("/api/v1/alerts", ctx -> current.get().alerting().alerts(ctx));
              config.routes.get("/api/v1/silences", ctx -> current.get().alerting().silences(ctx));
              config.routes.post("/api/v1/silences", ctx -> current.get().alerting().addSilence(ctx));
              config.routes.delete("/api/v1/silences/{id}", ctx -> current.get().alerting().deleteSilence(ctx));
              config.routes.get("/alerts", ctx -> current.get().alerting().pages().alerts(ctx));
              config.routes.post("/alerts/silences", ctx -> current.get().alerting().pages().addSilence(ctx));
              config.routes.post(
                  "/alerts/silences/{id}/expire", ctx -> current.get().alerting().pages().expireSilence(ctx));
              config.routes.get("/reviews", ctx -> current.get().alerting().pages().reviews(ctx));
              config.routes.get("/reviews/{tenant}/{workday}", ctx -> current.get().alerting().pages().review(ctx));
              config.routes.post("/-/reload", ctx -> reload(ctx, current.get().baselines().access(), reloader));
              config.routes.exception(BadRequest.class, (e, ctx) -> refused(current, ctx, 400, e.getMessage()));
              config.routes.exception(ApiError.class, (e, ctx) -> {
                if (e.status() == 401 && !FormWrites.isForm(ctx)) {
                  ctx.header("WWW-Authenticate", "Bearer realm=\"earlybird\"");
                }
                refused(current, ctx, e.status(), e.getMessage());
              });
              config.routes.exception(BaselineException.class, (e, ctx) -> refused(current, ctx, switch (e.reason()) {
                case INVALID -> 400;
                case EXISTS -> 409;
                case NOT_FOUND -> 404;
              }, e.getMessage()));
              config.routes.exception(
                  io.javalin.http.NotFoundResponse.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
              // Unknown paths, and 404s a handler set without a body: JSON for the API, a page for people.
              config.routes.error(404, ctx -> {
                if (ctx.resultInputStream() == null) {
                  NotFound.answer(ctx, NotFound.DEFAULT_MESSAGE + ": " + ctx.path());
                }
              });
              config.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    log.error("{} {} failed", ctx.method(), ctx.path(), e);
                    error(ctx, 500, "internal error; see the agent's log");
                  });
            });
  }

  /** Like Prometheus' {@code /-/reload}; an invalid config is a 400 that lists every problem, and changes nothing. */
  private static void reload(Context ctx, WriteAccess access, Reloader reloader) {
    access.require(ctx);
    try {
      ctx.json(Map.of("status", "reloaded", "changes", reloader.reload()));
    } catch (ConfigException e) {
      ctx.status(400).json(Map.of("error", "the new config is invalid; the agent keeps running on the previous one",
          "problems", e.problems()));
    }
  }

  /**
   * A refused request: a form post from a page gets that page again with the error (a person reads it there);
   * everything else the JSON or 404 page of {@link #error}.
   */
  private static void refused(Supplier<Handlers> current, Context ctx, int status, String message) {
    if (FormWrites.isForm(ctx)) {
      String base = Links.base(ctx);
      String path = ctx.path().startsWith(base) ? ctx.path().substring(base.length()) : ctx.path();
      Handlers h = current.get();
      if (path.equals("/baselines") || path.startsWith("/baselines/")) {
        h.pages().baselinesRefused(ctx, status, message);
        return;
      }
      if (path.startsWith("/alerts/") && h.alerts() != null) {
        h.alerts().pages().refused(ctx, status, message);
        return;
      }
    }
    error(ctx, status, message);
  }

  private static void error(Context ctx, int status, String message) {
    if (status == 404) {
      NotFound.answer(ctx, message);
      return;
    }
    ctx.status(status).json(Map.of("error", message));
  }

  /** @throws AddressInUseException when another process listens on {@code host:port} */
  public WebServer start(String host, int port) {
    try {
      app.start(host, port);
    } catch (RuntimeException e) {
      if (causedByBind(e)) {
        throw new AddressInUseException(new dev.earlybird.config.HostPort(host, port).toString(), e);
      }
      throw e;
    }
    return this;
  }

  private static boolean causedByBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.BindException || t instanceof io.javalin.util.JavalinBindException) {
        return true;
      }
    }
    return false;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
