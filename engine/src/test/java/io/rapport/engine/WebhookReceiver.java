package io.rapport.engine;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP endpoint standing in for a customer's webhook. It answers by customer id: ids
 * starting "flaky-" get 503 twice then 200, "refused-" get 400, "down-" always 500, and "slow-"
 * get 200 after {@link #SLOW}.
 */
final class WebhookReceiver implements AutoCloseable {
  /** One POST as received. */
  record Delivery(String idempotencyKey, String contentType, JsonObject body) {}

  static final Duration SLOW = Duration.ofSeconds(4);
  final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  WebhookReceiver() throws Exception {
    server =
        vertx.createHttpServer()
            .requestHandler(
                req ->
                    req.body().onSuccess(buf -> {
                      JsonObject body = buf.toJsonObject();
                      deliveries.add(new Delivery(req.getHeader("Idempotency-Key"), req.getHeader("Content-Type"), body));
                      String customer = body.getString("customerId", "");
                      int n = attempts.computeIfAbsent(body.getString("idempotencyKey", ""), k -> new AtomicInteger()).incrementAndGet();
                      int status = 200;
                      if (customer.startsWith("flaky-") && n <= 2) {
                        status = 503;
                      } else if (customer.startsWith("refused-")) {
                        status = 400;
                      } else if (customer.startsWith("down-")) {
                        status = 500;
                      }
                      if (customer.startsWith("slow-")) {
                        vertx.setTimer(SLOW.toMillis(), id -> req.response().setStatusCode(200).end());
                      } else {
                        req.response().setStatusCode(status).end();
                      }
                    }))
            .listen(0)
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hook";
  }

  List<Delivery> to(String customerId) {
    return deliveries.stream().filter(d -> customerId.equals(d.body().getString("customerId"))).toList();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
