package io.rapport.engine.http;

import io.rapport.engine.access.Keys;
import io.rapport.engine.access.Scope;
import io.rapport.engine.outbox.ConnectorRouting;
import io.rapport.engine.store.ListedAction;
import io.rapport.engine.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox for operators (admin): {@code GET /v1/actions?status=failed&limit=&after=} lists actions by status, the
 * dead letter first among them, and {@code POST /v1/actions/{id}/retry} sends a failed action again under the same
 * idempotency key, so a receiver that did get it once drops the repeat.
 */
public final class ActionsApi {
  private static final Logger LOG = LoggerFactory.getLogger(ActionsApi.class);
  static final Set<String> STATUSES = Set.of("pending", "sent", "failed", "suppressed");
  static final int MOST_PER_PAGE = 1000;

  private final Vertx vertx;
  private final Store store;
  private final Guard guard;
  private final ConnectorRouting routing;
  private final Clock clock;
  private final Runnable wakeRelay;

  public ActionsApi(Vertx vertx, Store store, Keys keys, ConnectorRouting routing, Clock clock, Runnable wakeRelay) {
    this.vertx = vertx;
    this.store = store;
    this.guard = new Guard(keys);
    this.routing = routing;
    this.clock = clock;
    this.wakeRelay = wakeRelay;
  }

  public void mount(Router router) {
    router.get("/v1/actions").handler(this::list);
    router.post("/v1/actions/:id/retry").handler(this::retry);
  }

  private void list(RoutingContext ctx) {
    if (!guard.allows(ctx, Scope.ADMIN)) {
      return;
    }
    String status = ctx.queryParams().get("status");
    if (status == null || !STATUSES.contains(status)) {
      Errors.send(ctx, 400, "status must be one of " + String.join(", ", List.of("pending", "sent", "failed",
          "suppressed")) + ": /v1/actions?status=failed");
      return;
    }
    int limit;
    long after;
    try {
      limit = number(ctx, "limit", 100, 1, MOST_PER_PAGE).intValue();
      after = number(ctx, "after", 0, 0, Long.MAX_VALUE);
    } catch (IllegalArgumentException e) {
      Errors.send(ctx, 400, e.getMessage());
      return;
    }
    vertx.executeBlocking(() -> store.actionsWithStatus(status, after, limit), false)
        .onSuccess(page -> {
          JsonArray items = new JsonArray();
          page.forEach(a -> items.add(toJson(a)));
          JsonObject body = new JsonObject().put("items", items)
              .put("next", page.size() == limit ? Long.toString(page.get(page.size() - 1).id()) : null);
          ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
        })
        .onFailure(e -> unavailable(ctx, e));
  }

  private void retry(RoutingContext ctx) {
    if (!guard.allows(ctx, Scope.ADMIN)) {
      return;
    }
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      Errors.send(ctx, 404, "no action with id '" + ctx.pathParam("id") + "'");
      return;
    }
    vertx.executeBlocking(() -> store.retryFailedAction(id, clock.instant()), false)
        .onSuccess(result -> {
          switch (result) {
            case RETRIED -> {
              wakeRelay.run();
              ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                  .end(new JsonObject().put("id", id).put("status", "pending").encode());
            }
            case NOT_FOUND -> Errors.send(ctx, 404, "no action with id " + id);
            case NOT_FAILED -> Errors.send(ctx, 409, "action " + id + " has not failed: only a failed action is "
                + "retried (a pending one is retried by itself)");
          }
        })
        .onFailure(e -> unavailable(ctx, e));
  }

  private JsonObject toJson(ListedAction a) {
    return new JsonObject()
        .put("id", a.id())
        .put("customerId", a.customerId())
        .put("type", a.type())
        .put("channel", a.channel())
        .put("template", a.template())
        .put("rule", a.rule())
        .put("status", a.status())
        .put("reason", a.reason())
        .put("transactional", a.transactional())
        .put("attempts", a.attempts())
        .put("lastError", a.lastError())
        .put("createdAt", text(a.createdAt()))
        .put("sentAt", text(a.sentAt()))
        .put("nextAttemptAt", text(a.nextAttemptAt()))
        .put("connector", routing.connectorFor(a.channel()));
  }

  private static Long number(RoutingContext ctx, String name, long byDefault, long least, long most) {
    String text = ctx.queryParams().get(name);
    if (text == null) {
      return byDefault;
    }
    try {
      long n = Long.parseLong(text);
      if (n >= least && n <= most) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(name + " must be a whole number from " + least + " to " + most);
  }

  private static String text(Instant i) {
    return i == null ? null : i.toString();
  }

  static void unavailable(RoutingContext ctx, Throwable e) {
    LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), e);
    ctx.response().putHeader("Retry-After", "1");
    Errors.send(ctx, 503, "the store is not available; retry shortly");
  }
}
