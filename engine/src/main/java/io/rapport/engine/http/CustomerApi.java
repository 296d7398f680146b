package io.rapport.engine.http;

import io.rapport.engine.access.Keys;
import io.rapport.engine.access.Scope;
import io.rapport.engine.store.CustomerFilter;
import io.rapport.engine.store.CustomerJourney;
import io.rapport.engine.store.Store;
import io.rapport.rules.Customer;
import io.rapport.rules.Transition;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** GET /v1/customers (a page, by stage or id), /v1/customers/{id} and its journey: where customers stand, and why. */
public final class CustomerApi {
  private static final Logger LOG = LoggerFactory.getLogger(CustomerApi.class);
  private final Vertx vertx;
  private final Store store;
  private final Guard guard;

  public CustomerApi(Vertx vertx, Store store, Keys keys) {
    this.vertx = vertx;
    this.store = store;
    this.guard = new Guard(keys);
  }

  public void mount(Router router) {
    router.get("/v1/customers").handler(ctx -> {
      if (guard.allowsWithKey(ctx, Scope.READ)) {
        list(ctx);
      }
    });
    router.get("/v1/customers/:id").handler(ctx -> {
      if (guard.allows(ctx, Scope.READ)) {
        blocking(ctx, () -> profile(ctx.pathParam("id")));
      }
    });
    router.get("/v1/customers/:id/journey").handler(ctx -> {
      if (guard.allows(ctx, Scope.READ)) {
        blocking(ctx, () -> journey(ctx.pathParam("id")));
      }
    });
  }

  /** A page of customers: by stage, by the start of their id, from a cursor. */
  private void list(RoutingContext ctx) {
    CustomerFilter filter;
    try {
      filter = CustomerListQuery.parse(ctx.queryParams());
    } catch (IllegalArgumentException e) {
      Errors.send(ctx, 400, e.getMessage());
      return;
    }
    blocking(ctx, () -> {
      List<Customer> page = store.customers(filter);
      JsonArray items = new JsonArray();
      page.forEach(c -> items.add(toListed(c)));
      String next = page.size() < filter.limit() ? null : CustomerListQuery.cursorAfter(page.get(page.size() - 1).getId());
      return Optional.of(new JsonObject().put("items", items).put("next", next));
    });
  }

  private static JsonObject toListed(Customer c) {
    return new JsonObject().put("id", c.getId()).put("stage", c.getStage()).put("stageSince", text(c.getStageSince()))
        .put("orders", c.getOrders()).put("revenue", c.getRevenue()).put("lastActivityAt", text(c.getLastActivityAt()));
  }

  private Optional<JsonObject> profile(String id) {
    return store.customer(id).map(CustomerApi::toJson);
  }

  private Optional<JsonObject> journey(String id) {
    if (store.customer(id).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(toJson(store.journey(id)));
  }

  /** Store calls block: run them on a worker thread, answer on the event loop. */
  private void blocking(RoutingContext ctx, Callable<Optional<JsonObject>> work) {
    vertx
        .executeBlocking(work, false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), ar.cause());
                ctx.response().putHeader("Retry-After", "1");
                Errors.send(ctx, 503, "the store is not available; retry shortly");
              } else if (ar.result().isEmpty()) {
                Errors.send(ctx, 404, "customer not found");
              } else {
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .end(ar.result().get().encode());
              }
            });
  }

  static JsonObject toJson(Customer c) {
    return new JsonObject()
        .put("id", c.getId())
        .put("stage", c.getStage())
        .put("stageSince", text(c.getStageSince()))
        .put(
            "aggregates",
            new JsonObject()
                .put("orders", c.getOrders())
                .put("revenue", c.getRevenue())
                .put("lastPurchaseAt", text(c.getLastPurchaseAt()))
                .put("lastActivityAt", text(c.getLastActivityAt()))
                .put("lastNps", c.getLastNps())
                .put("complaints", c.getComplaints()))
        .put("attributes", new JsonObject(c.getAttributes()))
        .put("version", c.getVersion());
  }

  static JsonObject toJson(CustomerJourney j) {
    JsonArray transitions = new JsonArray();
    for (Transition t : j.transitions()) {
      transitions.add(
          new JsonObject()
              .put("from", t.from())
              .put("to", t.to())
              .put("rule", t.rule())
              .put("reason", t.reason())
              .put("touchpointId", t.touchpointId())
              .put("at", text(t.at())));
    }
    JsonArray actions = new JsonArray();
    for (CustomerJourney.ActionRecord a : j.actions()) {
      actions.add(
          new JsonObject()
              .put("id", a.id())
              .put("idempotencyKey", a.idempotencyKey())
              .put("channel", a.channel())
              .put("template", a.template())
              .put("params", new JsonObject(a.params()))
              .put("rule", a.rule())
              .put("touchpointId", a.touchpointId())
              .put("status", a.status())
              .put("reason", a.reason())
              .put("transactional", a.transactional())
              .put("nextAttemptAt", "pending".equals(a.status()) ? text(a.nextAttemptAt()) : null)
              .put("attempts", a.attempts())
              .put("lastError", a.lastError())
              .put("createdAt", text(a.createdAt()))
              .put("sentAt", text(a.sentAt())));
    }
    return new JsonObject()
        .put("customerId", j.customerId())
        .put("transitions", transitions)
        .put("actions", actions);
  }

  private static String text(Instant i) {
    return i == null ? null : i.toString();
  }
}
