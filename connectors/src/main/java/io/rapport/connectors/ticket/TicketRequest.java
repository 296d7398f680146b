package io.rapport.connectors.ticket;

import io.rapport.connectors.http.JsonPost;
import io.rapport.messages.ActionMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A help-desk ticket for an action (an escalation): {"subject", "priority", "customer": {id, email, phone,
 * attributes}, "recentJourney": [latest stage changes and actions, newest first], "rule", "idempotencyKey"}, for a
 * help desk's "create ticket" API or a small adapter in front of it.
 */
public final class TicketRequest extends JsonPost {
  @Override
  protected JsonObject body(ActionMessage a) {
    JsonArray recent = new JsonArray();
    a.recent().forEach(r -> recent.add(new JsonObject(r)));
    return new JsonObject()
        .put("subject", a.template() + ": customer " + a.customerId())
        .put("priority", String.valueOf(a.params().getOrDefault("priority", "normal")))
        .put("customer", new JsonObject().put("id", a.customerId()).put("email", a.email()).put("phone", a.phone())
            .put("attributes", new JsonObject(a.attributes())))
        .put("recentJourney", recent)
        .put("rule", a.rule())
        .put("params", new JsonObject(a.params()))
        .put("idempotencyKey", a.idempotencyKey());
  }
}
