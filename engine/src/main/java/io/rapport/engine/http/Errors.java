package io.rapport.engine.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The one shape of every error the API answers: {"error": "...", "details": [...]}. */
final class Errors {
  private Errors() {}

  static void send(RoutingContext ctx, int status, String error) {
    send(ctx, status, error, new JsonArray());
  }

  static void send(RoutingContext ctx, int status, String error, JsonArray details) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).put("details", details).encode());
  }
}
