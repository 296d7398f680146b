package io.rapport.engine.http;

import io.rapport.engine.access.Keys;
import io.rapport.engine.access.Scope;
import io.rapport.engine.ingest.Ingest;
import io.rapport.engine.store.Decided;
import io.rapport.engine.store.Store;
import io.rapport.engine.store.StoredTouchpoint;
import io.rapport.rules.Touchpoint;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The touchpoints the rules failed on (admin): {@code GET /v1/touchpoints?outcome=rule_error} lists them with what the
 * failure said, and {@code POST /v1/touchpoints/redecide} decides them again once the rules are fixed.
 */
public final class TouchpointsApi {
  private static final Logger LOG = LoggerFactory.getLogger(TouchpointsApi.class);
  static final int MOST_PER_PAGE = 1000;
  static final int MOST_REDECIDED = 10_000;

  private final Vertx vertx;
  private final Store store;
  private final Ingest ingest;
  private final Guard guard;

  public TouchpointsApi(Vertx vertx, Store store, Ingest ingest, Keys keys) {
    this.vertx = vertx;
    this.store = store;
    this.ingest = ingest;
    this.guard = new Guard(keys);
  }

  public void mount(Router router) {
    router.get("/v1/touchpoints").handler(this::list);
    router.post("/v1/touchpoints/redecide").handler(BodyHandler.create(false).setBodyLimit(1024 * 1024));
    router.post("/v1/touchpoints/redecide").handler(this::redecide);
  }

  private void list(RoutingContext ctx) {
    if (!guard.allows(ctx, Scope.ADMIN)) {
      return;
    }
    if (!Decided.RULE_ERROR.equals(ctx.queryParams().get("outcome"))) {
      Errors.send(ctx, 400, "list the touchpoints the rules failed on: /v1/touchpoints?outcome=" + Decided.RULE_ERROR);
      return;
    }
    Integer limit = limit(ctx, 100, MOST_PER_PAGE);
    if (limit == null) {
      return;
    }
    String after = ctx.queryParams().get("after");
    vertx.executeBlocking(() -> store.touchpointsWithOutcome(Decided.RULE_ERROR, after, limit), false)
        .onSuccess(page -> {
          JsonArray items = new JsonArray();
          page.forEach(t -> items.add(toJson(t)));
          JsonObject body = new JsonObject().put("touchpoints", items);
          body.put("next", page.size() == limit ? page.get(page.size() - 1).touchpoint().id() : null);
          ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
        })
        .onFailure(e -> unavailable(ctx, e));
  }

  /**
   * Body: {"ids": [...]} to decide those again, or nothing for the oldest rule errors (at most {@value
   * #MOST_REDECIDED}). Answers how many were decided without error now, how many still fail, and how many were no
   * rule error any more.
   */
  private void redecide(RoutingContext ctx) {
    if (!guard.allows(ctx, Scope.ADMIN)) {
      return;
    }
    List<String> ids;
    try {
      ids = ids(ctx);
    } catch (IllegalArgumentException e) {
      Errors.send(ctx, 400, e.getMessage());
      return;
    }
    vertx.executeBlocking(() -> chosen(ids), false)
        .compose(touchpoints -> io.vertx.core.Future.fromCompletionStage(ingest.redecide(touchpoints))
            .compose(result -> vertx.executeBlocking(() -> {
              List<String> tried = touchpoints.stream().map(Touchpoint::id).toList();
              long stillFailing = store.outcomes(tried).values().stream().filter(Decided.RULE_ERROR::equals).count();
              return new JsonObject().put("redecided", result.accepted() - stillFailing)
                  .put("stillFailing", stillFailing).put("skipped", result.duplicates());
            }, false)))
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json").end(body.encode()))
        .onFailure(e -> unavailable(ctx, e));
  }

  /** The rule errors to decide again, in event-time order, so that each customer's are decided in order. */
  private List<Touchpoint> chosen(List<String> ids) {
    List<Touchpoint> chosen = new ArrayList<>();
    if (ids == null) {
      store.touchpointsWithOutcome(Decided.RULE_ERROR, null, MOST_REDECIDED).forEach(t -> chosen.add(t.touchpoint()));
    } else {
      store.storedTouchpoints(ids).stream().filter(t -> Decided.RULE_ERROR.equals(t.outcome()))
          .forEach(t -> chosen.add(t.touchpoint()));
    }
    chosen.sort(Comparator.comparing(Touchpoint::occurredAt));
    return chosen;
  }

  private static List<String> ids(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      return null;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("send {\"ids\": [\"...\"]}, or nothing for the oldest rule errors");
    }
    if (body == null || !(body.getValue("ids") instanceof JsonArray list) || list.isEmpty()
        || list.size() > MOST_REDECIDED || list.stream().anyMatch(id -> !(id instanceof String))) {
      throw new IllegalArgumentException("send {\"ids\": [\"...\"]} with 1 to " + MOST_REDECIDED + " touchpoint ids");
    }
    return list.stream().map(String.class::cast).distinct().toList();
  }

  private static Integer limit(RoutingContext ctx, int byDefault, int most) {
    String text = ctx.queryParams().get("limit");
    if (text == null) {
      return byDefault;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= most) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    Errors.send(ctx, 400, "limit must be a whole number from 1 to " + most);
    return null;
  }

  private static JsonObject toJson(StoredTouchpoint s) {
    Touchpoint t = s.touchpoint();
    return new JsonObject().put("id", t.id()).put("customerId", t.customerId()).put("type", t.type())
        .put("occurredAt", t.occurredAt().toString()).put("channel", t.channel()).put("value", t.value())
        .put("currency", t.currency()).put("properties", new JsonObject(t.properties()))
        .put("receivedAt", s.receivedAt().toString()).put("outcome", s.outcome()).put("error", s.error());
  }

  private static void unavailable(RoutingContext ctx, Throwable e) {
    LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), e);
    ctx.response().putHeader("Retry-After", "1");
    Errors.send(ctx, 503, "the store is not available; retry shortly");
  }
}
