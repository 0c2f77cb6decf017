package dev.earlybird.web;

import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.Secret;
import dev.earlybird.history.PinnedBaselineStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.PinnedBaseline;
import dev.earlybird.model.TimeWindow;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code /api/v1/baselines}: list, pin, delete and compare pinned baselines. Reads go to the store; writes go
 * through the agent's single {@link HistoryWriter} and need {@code Authorization: Bearer <web.token>} (or, from the
 * {@code /baselines} page, the token in the form).
 */
public final class BaselineApi {
  private final Api api;
  private final PinnedBaselineStore store;
  private final HistoryWriter writer;
  private final BaselineComparison comparison;
  private final WriteAccess access;

  public BaselineApi(
      Api api, PinnedBaselineStore store, HistoryWriter writer, BaselineComparison comparison, Optional<Secret> token) {
    this.api = api;
    this.store = store;
    this.writer = writer;
    this.comparison = comparison;
    this.access = new WriteAccess(token);
  }

  /** Who may write; the config reload needs the same token. */
  WriteAccess access() {
    return access;
  }

  List<BaselineJson.Baseline> list() {
    return store.baselines().stream().map(BaselineJson.Baseline::of).toList();
  }

  /** One page of the baselines, newest first (then by name, which is unique). */
  void list(Context ctx) {
    Paging<PinnedBaseline> paging = Paging.of(ctx, "baselines", KEY, Api.MAX_LIMIT); // was the whole list
    Paging.Page<PinnedBaseline> page = paging.slice(store.baselines(), b -> b, NEWEST_FIRST);
    ctx.json(new BaselinesPage(page.rows().stream().map(BaselineJson.Baseline::of).toList(),
        page.nextCursor(), page.prevCursor()));
  }

  /** {@link BaselineJson.Baselines} with where the neighbouring pages start (null where there is none). */
  public record BaselinesPage(List<BaselineJson.Baseline> baselines, String nextCursor, String prevCursor) {}

  private static final java.util.Comparator<PinnedBaseline> NEWEST_FIRST =
      java.util.Comparator.comparing(PinnedBaseline::created).reversed().thenComparing(PinnedBaseline::name);

  /** A baseline's place in the list: when it was pinned and its name; the rest of the record is not compared. */
  private static final Paging.Codec<PinnedBaseline> KEY = new Paging.Codec<>(2,
      b -> List.of(b.created().toString(), b.name()),
      p -> new PinnedBaseline(p.get(1), Optional.empty(), Instant.parse(p.get(0)), Instant.parse(p.get(0)),
          Instant.parse(p.get(0)), 0));

  void pin(Context ctx) {
    access.require(ctx);
    BaselineJson.Pin pin = RequestBodies.read(ctx, BaselineJson.Pin.class, "{\"name\": \"before-upgrade\", \"from\": "
        + "\"2026-11-20T00:00:00Z\", \"to\": \"2026-11-21T00:00:00Z\", \"target\": \"aurora-prod-1\"} (target optional)");
    ctx.status(201).json(BaselineJson.Baseline.of(pin(pin)));
  }

  /** Checks and pins (the caller has checked the token); a refusal names the field. */
  PinnedBaseline pin(BaselineJson.Pin pin) {
    for (String[] f : new String[][] {{"name", pin.name()}, {"from", pin.from()}, {"to", pin.to()}}) {
      if (f[1] == null || f[1].isBlank()) {
        throw new BadRequest("'" + f[0] + "' is required ('name', 'from' and 'to' are; 'target' is optional)");
      }
    }
    Instant from = instant("from", pin.from());
    Instant to = instant("to", pin.to());
    Optional<String> target = Optional.ofNullable(pin.target()).filter(t -> !t.isBlank()).map(String::strip);
    return await(writer.call(s -> s.pinBaseline(pin.name().strip(), target, from, to)));
  }

  void delete(Context ctx) {
    access.require(ctx);
    delete(ctx.pathParam("name"));
    ctx.status(204);
  }

  /** Deletes (the caller has checked the token); a 404 when there is no such baseline. */
  void delete(String name) {
    await(writer.call(s -> {
      s.deleteBaseline(name);
      return name;
    }));
  }

  /** The comparison the request asks for: window and filters as for the hot list. */
  BaselineJson.Comparison comparison(Context ctx, String name) {
    HotList.Request request = api.hotRequest(ctx);
    return BaselineJson.Comparison.of(comparison.compare(name, request));
  }

  void compare(Context ctx) {
    ctx.json(comparison(ctx, ctx.pathParam("name")));
  }

  static Instant instant(String name, String value) {
    try {
      return TimeWindow.instant("'" + name + "'", value);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(e.getMessage());
    }
  }

  /** Waits for a queued write; its own failure (a refusal, a store error) is rethrown as it was. */
  private static <T> T await(CompletableFuture<T> write) {
    try {
      return write.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new ApiError(503, "the history writer is busy (30 s without an answer); try again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiError(503, "interrupted while waiting for the history writer; try again");
    }
  }
}
