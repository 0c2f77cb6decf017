package dev.earlybird.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.history.BaselineException;
import dev.earlybird.metrics.AgentMetrics;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: health, readiness, metrics, the JSON API and the pages. Reads are open to whoever reaches
 * {@code listen}; write actions need the bearer token of {@code web.token} (see {@link BaselineApi}).
 */
public final class WebServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);

  private final Javalin app;

  public WebServer(
      Api api,
      FindingsApi findings,
      QueriesApi queries,
      BaselineApi baselines,
      Pages pages,
      AgentMetrics metrics,
      Readiness readiness) {
    ObjectMapper json = Json.mapper();
    app =
        Javalin.create(
            config -> {
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
              config.routes.get("/api/v1/targets", api::targets);
              config.routes.get("/api/v1/targets/{target}/load", queries::targetLoad);
              config.routes.get("/api/v1/hot-queries", api::hotQueries);
              config.routes.get("/api/v1/baselines", baselines::list);
              config.routes.post("/api/v1/baselines", baselines::pin);
              config.routes.delete("/api/v1/baselines/{name}", baselines::delete);
              config.routes.get("/api/v1/baselines/{name}/compare", baselines::compare);
              config.routes.get("/hot", pages::hot);
              config.routes.get("/baselines", pages::baselines);
              config.routes.get("/baselines/{name}", pages::compare);
              config.routes.get("/api/v1/findings", findings::list);
              config.routes.get("/", pages::fleet);
              config.routes.get("/findings", pages::findings);
              config.routes.get("/api/v1/queries/{target}/{database}/{queryId}", queries::get);
              config.routes.get("/queries/{target}/{database}/{queryId}", pages::query);
              config.routes.exception(BadRequest.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
              config.routes.exception(ApiError.class, (e, ctx) -> {
                if (e.status() == 401) {
                  ctx.header("WWW-Authenticate", "Bearer realm=\"earlybird\"");
                }
                error(ctx, e.status(), e.getMessage());
              });
              config.routes.exception(BaselineException.class, (e, ctx) -> error(ctx, switch (e.reason()) {
                case INVALID -> 400;
                case EXISTS -> 409;
                case NOT_FOUND -> 404;
              }, e.getMessage()));
              config.routes.exception(
                  io.javalin.http.NotFoundResponse.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
              config.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    log.error("{} {} failed", ctx.method(), ctx.path(), e);
                    error(ctx, 500, "internal error; see the agent's log");
                  });
            });
  }

  private static void error(Context ctx, int status, String message) {
    ctx.status(status).json(java.util.Map.of("error", message));
  }

  public WebServer start(String host, int port) {
    app.start(host, port);
    return this;
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
