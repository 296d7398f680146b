package io.rapport.engine.http;

import io.rapport.engine.access.Keys;
import io.rapport.engine.access.Scope;
import io.rapport.engine.ingest.Ingest;
import io.rapport.engine.store.Erasure;
import io.rapport.engine.store.Store;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A customer's right to be forgotten and to a copy of their data (admin): DELETE /v1/customers/{id} erases them from
 * every table in one transaction, on their partition's thread so that no cached copy is written back;
 * GET /v1/customers/{id}/export gives every row the store holds of them, as JSON.
 */
public final class ErasureApi {
  private static final Logger LOG = LoggerFactory.getLogger(ErasureApi.class);
  private final Vertx vertx;
  private final Store store;
  private final Ingest ingest;
  private final Guard guard;
  private final Clock clock;

  public ErasureApi(Vertx vertx, Store store, Ingest ingest, Keys keys, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.ingest = ingest;
    this.guard = new Guard(keys);
    this.clock = clock;
  }

  public void mount(Router router) {
    router.delete("/v1/customers/:id").handler(ctx -> guard.admits(ctx, Scope.ADMIN).ifPresent(who -> erase(ctx, who)));
    router.get("/v1/customers/:id/export").handler(ctx -> {
      if (guard.allows(ctx, Scope.ADMIN)) {
        export(ctx);
      }
    });
  }

  private void erase(RoutingContext ctx, String who) {
    String id = ctx.pathParam("id");
    Context context = vertx.getOrCreateContext();
    ingest.erase(id, clock.instant()).whenComplete((erasure, failure) -> context.runOnContext(v -> {
      if (failure != null) {
        unavailable(ctx, failure);
      } else if (!erasure.anything()) {
        Errors.send(ctx, 404, "customer not found");
      } else {
        LOG.info("customer erased by {}: {} rows", who, erasure.removed().values().stream().mapToInt(n -> n).sum());
        ctx.response().putHeader("Content-Type", "application/json").end(json(erasure).encode());
      }
    }));
  }

  private static JsonObject json(Erasure erasure) {
    return new JsonObject().put("customerId", erasure.customerId()).put("erasedAt", erasure.at().toString())
        .put("removed", new JsonObject(Map.copyOf(erasure.removed())));
  }

  private void export(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    vertx.executeBlocking(() -> store.export(id), false).onComplete(ar -> {
      if (ar.failed()) {
        unavailable(ctx, ar.cause());
        return;
      }
      Map<String, List<Map<String, Object>>> rows = ar.result();
      if (rows.values().stream().allMatch(List::isEmpty)) {
        Errors.send(ctx, 404, "customer not found");
        return;
      }
      JsonObject body = new JsonObject().put("customerId", id).put("exportedAt", clock.instant().toString());
      rows.forEach((table, list) -> body.put(table, new io.vertx.core.json.JsonArray(List.copyOf(list.stream()
          .map(JsonObject::new).toList()))));
      ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
    });
  }

  private static void unavailable(RoutingContext ctx, Throwable failure) {
    LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
    ctx.response().putHeader("Retry-After", "1");
    Errors.send(ctx, 503, "the store is not available; retry shortly");
  }
}
