package dev.earlybird.web;

import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The scripts and styles the pages load, served by the agent itself from its own jar: no CDN, so the UI works in
 * a network without internet access and loads nothing a reviewer has not seen. Only the files named here are served.
 */
public final class Assets {
  static final String UPLOT_VERSION = "1.6.30";
  /** Paths under {@code /assets/}; uPlot's carry its version, so browsers may keep them for a year. */
  public static final String UPLOT_JS = "uplot/" + UPLOT_VERSION + "/uPlot.iife.min.js";
  public static final String UPLOT_CSS = "uplot/" + UPLOT_VERSION + "/uPlot.min.css";
  public static final String QUERY_CHARTS_JS = "query-charts.js";
  /** Every page's times in the viewer's zone, with how long ago (see the {@code tag/when} template). */
  public static final String LOCAL_TIMES_JS = "local-times.js";
  /** Every page's style sheet: no inline style, so the Content-Security-Policy can forbid it. */
  public static final String STYLE_CSS = "earlybird.css";

  private static final String WEBJAR = "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";

  private record Asset(String resource, String contentType, String cacheControl) {}

  private static final String YEAR = "public, max-age=31536000, immutable";
  /** Our own script and style change with the agent, under the same name: a day, then the browser asks again. */
  private static final String DAY = "public, max-age=86400";

  private static final Map<String, Asset> FILES = Map.of(
      UPLOT_JS, new Asset(WEBJAR + "uPlot.iife.min.js", "text/javascript; charset=utf-8", YEAR),
      UPLOT_CSS, new Asset(WEBJAR + "uPlot.min.css", "text/css; charset=utf-8", YEAR),
      QUERY_CHARTS_JS, new Asset("/assets/query-charts.js", "text/javascript; charset=utf-8", DAY),
      LOCAL_TIMES_JS, new Asset("/assets/local-times.js", "text/javascript; charset=utf-8", DAY),
      STYLE_CSS, new Asset("/assets/earlybird.css", "text/css; charset=utf-8", DAY));

  private Assets() {}

  /** {@code GET /assets/<path>}. */
  static void serve(Context ctx) {
    String path = ctx.pathParam("path");
    Asset asset = FILES.get(path);
    if (asset == null) {
      throw new NotFoundResponse("no asset '" + path + "'");
    }
    byte[] body;
    try (InputStream in = Assets.class.getResourceAsStream(asset.resource())) {
      if (in == null) {
        throw new IllegalStateException("asset " + asset.resource() + " is missing from the agent's jar");
      }
      body = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ctx.header("Cache-Control", asset.cacheControl()).header("X-Content-Type-Options", "nosniff")
        .contentType(asset.contentType()).result(body);
  }
}
