package io.rapport.engine;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real HTTP server standing in for the receivers of the HTTP connectors (webhook, SMS gateway, help desk, Slack),
 * one path each. It answers by the customer id in the body (top level or customer.id): "flaky-" gets 503 twice then
 * 200, "later-" gets 503 with Retry-After: 3 once then 200, "refused-" gets 400 until {@link #acceptAll}, "slow-"
 * never answers (the call times out); anyone else 200.
 */
final class ConnectorReceiver implements AutoCloseable {
  /** One request as received. */
  record Call(String path, MultiMap headers, String body, Instant at) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private volatile boolean acceptAll;
  /** Runs on every call before it is answered (a test's hook: cut the database, say). */
  volatile Consumer<Call> onCall = c -> {};
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  ConnectorReceiver() throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
      Call call = new Call(req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), buf.toString(),
          Instant.now());
      calls.add(call);
      onCall.accept(call);
      JsonObject body = buf.length() > 0 && buf.getByte(0) == '{' ? buf.toJsonObject() : new JsonObject();
      String customer = body.getString("customerId",
          body.getJsonObject("customer", new JsonObject()).getString("id", ""));
      String key = req.getHeader("Idempotency-Key");
      int n = attempts.computeIfAbsent(req.path() + " " + key, k -> new AtomicInteger()).incrementAndGet();
      if (customer.startsWith("slow-")) {
        return; // no answer
      }
      int status = 200;
      if (customer.startsWith("flaky-") && n <= 2) {
        status = 503;
      } else if (customer.startsWith("later-") && n == 1) {
        req.response().putHeader("Retry-After", "3");
        status = 503;
      } else if (customer.startsWith("refused-") && !acceptAll) {
        status = 400;
      }
      req.response().setStatusCode(status).end();
    })).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** From now on, every call gets 200. */
  void acceptAll() {
    acceptAll = true;
  }

  List<Call> to(String path) {
    return calls.stream().filter(c -> c.path().equals(path)).toList();
  }

  /** The calls about one customer. */
  List<Call> about(String path, String customerId) {
    return to(path).stream().filter(c -> c.body().contains("\"" + customerId + "\"")).toList();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
