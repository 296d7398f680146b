package io.rapport.engine.http;

import io.rapport.engine.access.Keys;
import io.rapport.engine.access.Scope;
import io.rapport.engine.outbox.UnsubscribeLinks;
import io.rapport.engine.store.Store;
import io.rapport.messages.ActionMessage;
import io.rapport.messages.Addresses;
import io.rapport.rules.Customer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/templates/{name}/preview?customer=ID} (read): the email the customer would get from this template
 * now, subject, plain text and HTML, rendered by the email connector's own templates (over the event bus, as a send
 * would be). Query parameters {@code param.NAME=value} stand in for the action's parameters (a code, a percent).
 */
public final class TemplatesApi {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,99}");

  private final Vertx vertx;
  private final Store store;
  private final Guard guard;
  private final UnsubscribeLinks unsubscribe;

  public TemplatesApi(Vertx vertx, Store store, Keys keys, UnsubscribeLinks unsubscribe) {
    this.vertx = vertx;
    this.store = store;
    this.guard = new Guard(keys);
    this.unsubscribe = unsubscribe;
  }

  public void mount(Router router) {
    router.get("/v1/templates/:name/preview").handler(this::preview);
  }

  private void preview(RoutingContext ctx) {
    if (!guard.allows(ctx, Scope.READ)) {
      return;
    }
    String name = ctx.pathParam("name");
    String customerId = ctx.queryParams().get("customer");
    if (!NAME.matcher(name).matches()) {
      Errors.send(ctx, 400, "a template name is a lowercase word such as welcome or win-back-offer");
      return;
    }
    if (customerId == null || customerId.isBlank()) {
      Errors.send(ctx, 400, "say whose email to preview: ?customer=ID");
      return;
    }
    Map<String, Object> params = new java.util.LinkedHashMap<>();
    ctx.queryParams().forEach((k, v) -> {
      if (k.startsWith("param.") && k.length() > 6) {
        params.put(k.substring(6), v);
      }
    });
    vertx.executeBlocking(() -> store.customer(customerId), false)
        .onFailure(e -> ActionsApi.unavailable(ctx, e))
        .onSuccess(found -> render(ctx, name, found, params));
  }

  private void render(RoutingContext ctx, String name, Optional<Customer> found, Map<String, Object> params) {
    if (found.isEmpty()) {
      Errors.send(ctx, 404, "customer not found");
      return;
    }
    Customer c = found.get();
    Map<String, Object> attributes = c.getAttributes();
    ActionMessage action = new ActionMessage(0, "preview", c.getId(), "email", name, params, "preview", "preview", 1,
        "email", text(attributes.get("email")), text(attributes.get("phone")), attributes, false,
        unsubscribe.link(c.getId(), "email"), List.of());
    vertx.eventBus().<JsonObject>request(Addresses.TEMPLATE_PREVIEW, action.toJson(),
            new DeliveryOptions().setSendTimeout(5_000))
        .onSuccess(reply -> {
          JsonObject body = reply.body();
          if (body.getValue("failure") instanceof Integer status) {
            Errors.send(ctx, status == 404 ? 404 : 422, body.getString("error", "the template cannot be rendered"));
          } else {
            ctx.response().putHeader("Content-Type", "application/json")
                .end(body.put("template", name).put("customerId", c.getId()).put("to", action.email()).encode());
          }
        })
        .onFailure(e -> ActionsApi.unavailable(ctx, e));
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
