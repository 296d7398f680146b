package io.rapport.engine.http;

import io.rapport.engine.outbox.UnsubscribeLinks;
import io.rapport.messages.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * The unsubscribe link of the emails, open to anyone holding a signed token (no key): {@code GET
 * /v1/unsubscribe?t=TOKEN} shows a page with a button (a link followed by a mail scanner must not unsubscribe
 * anyone), {@code POST} unsubscribes at once (the button, and RFC 8058 one-click from the mail client). Either way
 * the opt-out is an {@code unsubscribe} touchpoint with {@code properties.channel}, sent through the same ingest path
 * as any channel's, so the rules and the journey see it.
 */
public final class UnsubscribeApi {
  private final Vertx vertx;
  private final UnsubscribeLinks links;
  private final Clock clock;

  public UnsubscribeApi(Vertx vertx, UnsubscribeLinks links, Clock clock) {
    this.vertx = vertx;
    this.links = links;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.get("/v1/unsubscribe").handler(this::page);
    router.post("/v1/unsubscribe").handler(this::unsubscribe);
  }

  private void page(RoutingContext ctx) {
    String token = ctx.queryParams().get("t");
    Optional<UnsubscribeLinks.Subject> subject = links.read(token);
    if (subject.isEmpty()) {
      html(ctx, 404, "<p>This unsubscribe link is not valid. Please use the link from your latest message.</p>");
      return;
    }
    html(ctx, 200, "<h1>Unsubscribe</h1><p>Stop receiving " + escape(subject.get().channel()) + " messages from us?"
        + "</p><form method=\"post\" action=\"?t=" + escape(token) + "\"><button type=\"submit\">Unsubscribe</button>"
        + "</form>");
  }

  private void unsubscribe(RoutingContext ctx) {
    Optional<UnsubscribeLinks.Subject> subject = links.read(ctx.queryParams().get("t"));
    if (subject.isEmpty()) {
      Errors.send(ctx, 404, "this unsubscribe link is not valid");
      return;
    }
    JsonObject touchpoint = new JsonObject()
        .put("id", "unsubscribe-" + UUID.randomUUID())
        .put("customerId", subject.get().customerId())
        .put("type", "unsubscribe")
        .put("occurredAt", clock.instant().toString())
        .put("properties", new JsonObject().put("channel", subject.get().channel()).put("via", "link"));
    vertx.eventBus().request(Addresses.TOUCHPOINTS, new JsonArray().add(touchpoint),
            new DeliveryOptions().setSendTimeout(30_000))
        .onSuccess(reply -> html(ctx, 200, "<h1>Unsubscribed</h1><p>You will not receive "
            + escape(subject.get().channel()) + " messages from us any more.</p>"))
        .onFailure(e -> {
          ctx.response().putHeader("Retry-After", "5");
          html(ctx, 503, "<p>We could not record this just now. Please try again in a minute.</p>");
        });
  }

  private static void html(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end("<!doctype html><html><head><meta charset=\"utf-8\"><title>Unsubscribe</title></head><body>" + body
            + "</body></html>");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
