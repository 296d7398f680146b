package io.rapport.connectors;

import io.vertx.core.json.JsonObject;

/**
 * What a connector answers the outbox relay: sent, or failed and whether retrying can help.
 * On the wire: {"outcome": "sent"} or {"outcome": "failed", "retriable": true, "error": "..."}.
 */
public record DeliveryOutcome(boolean sent, boolean retriable, String error) {

  public static DeliveryOutcome delivered() {
    return new DeliveryOutcome(true, false, null);
  }

  public static DeliveryOutcome retriable(String error) {
    return new DeliveryOutcome(false, true, error);
  }

  public static DeliveryOutcome permanent(String error) {
    return new DeliveryOutcome(false, false, error);
  }

  public JsonObject toJson() {
    return sent
        ? new JsonObject().put("outcome", "sent")
        : new JsonObject().put("outcome", "failed").put("retriable", retriable).put("error", error);
  }
}
