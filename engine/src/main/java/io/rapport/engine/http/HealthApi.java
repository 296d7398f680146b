package io.rapport.engine.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rapport.engine.ingest.ActiveRules;
import io.rapport.engine.ingest.Ingest;
import io.rapport.engine.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/** /health/live, /health/ready (store reachable, rules loaded) and /metrics for Prometheus. */
public final class HealthApi {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private final Vertx vertx;
  private final Store store;
  private final ActiveRules rules;
  private final PrometheusMeterRegistry registry;
  private final Supplier<Ingest.PartitionHealth> partitions;

  public HealthApi(Vertx vertx, Store store, ActiveRules rules, PrometheusMeterRegistry registry,
      Supplier<Ingest.PartitionHealth> partitions) {
    this.vertx = vertx;
    this.store = store;
    this.rules = rules;
    this.registry = registry;
    this.partitions = partitions;
  }

  public void mount(Router router) {
    router
        .get("/health/live")
        .handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end("{\"status\":\"UP\"}"));
    router
        .get("/health/ready")
        .handler(
            ctx ->
                vertx
                    .executeBlocking(() -> store.reachable(), false)
                    .onComplete(
                        ar -> {
                          boolean storeUp = ar.succeeded() && ar.result();
                          boolean rulesUp = rules.get() != null;
                          Ingest.PartitionHealth p = partitions.get();
                          boolean partitionsUp = !p.stalled();
                          boolean up = storeUp && rulesUp && partitionsUp;
                          JsonObject body =
                              new JsonObject()
                                  .put("status", up ? "UP" : "DOWN")
                                  .put("store", storeUp ? "UP" : "DOWN")
                                  .put("rules", rulesUp ? "UP" : "DOWN")
                                  .put("ruleCount", rulesUp ? rules.get().ruleNames().size() : 0)
                                  .put("partitions", partitionsUp ? "UP" : "DOWN")
                                  .put("longestStallSeconds", p.longestStall().toSeconds());
                          ctx.response()
                              .setStatusCode(up ? 200 : 503)
                              .putHeader("Content-Type", "application/json")
                              .end(body.encode());
                        }));
    router
        .get("/metrics")
        .handler(
            ctx ->
                vertx
                    .executeBlocking(() -> registry.scrape(), false)
                    .onSuccess(text -> ctx.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(text))
                    .onFailure(e -> Errors.send(ctx, 500, "cannot render metrics")));
  }
}
