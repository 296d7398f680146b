package io.rapport.messages;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * An action on its way to a connector (on {@link Addresses#ACTIONS}): what a rule asked for, for whom, why, and the
 * idempotency key a receiver uses to drop a repeat. {@code attempt} counts from 1; {@code connector} names the
 * route that delivers it.
 */
public record ActionMessage(
    long id,
    String idempotencyKey,
    String customerId,
    String channel,
    String template,
    Map<String, Object> params,
    String rule,
    String touchpointId,
    int attempt,
    String connector) {

  /** The field naming the connector; a receiver outside Rapport does not need it. */
  public static final String CONNECTOR = "connector";

  public ActionMessage {
    params = params == null ? Map.of() : params;
  }

  /** The JSON a connector gets, which the webhook passes on without {@link #CONNECTOR}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("idempotencyKey", idempotencyKey)
        .put("customerId", customerId)
        .put("channel", channel)
        .put("template", template)
        .put("params", new JsonObject(params))
        .put("rule", rule)
        .put("touchpointId", touchpointId)
        .put("attempt", attempt)
        .put(CONNECTOR, connector);
  }

  /** @throws IllegalArgumentException when a required field is missing or of the wrong type */
  public static ActionMessage fromJson(JsonObject json) {
    try {
      JsonObject params = json.getJsonObject("params");
      ActionMessage a = new ActionMessage(json.getLong("id", 0L), json.getString("idempotencyKey"),
          json.getString("customerId"), json.getString("channel"), json.getString("template"),
          params == null ? Map.of() : params.getMap(), json.getString("rule"), json.getString("touchpointId"),
          json.getInteger("attempt", 1), json.getString(CONNECTOR));
      if (a.idempotencyKey() == null || a.customerId() == null || a.template() == null) {
        throw new IllegalArgumentException("an action needs idempotencyKey, customerId and template");
      }
      return a;
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("not an action: " + e.getMessage(), e);
    }
  }
}
