package io.rapport.messages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * An action on its way to a connector (on {@link Addresses#ACTIONS}): what a rule asked for, for whom, why, and the
 * idempotency key a receiver uses to drop a repeat. {@code attempt} counts from 1; {@code connector} names the
 * route that delivers it. The recipient's {@code email} and {@code phone} come from the customer's attributes of
 * those names when the action is sent, {@code attributes} are all of them (for templates), {@code transactional}
 * marks a message that is not marketing, {@code unsubscribeUrl} is the signed link that opts this customer out of
 * this channel (null without http.public-url), and {@code recent} the customer's latest touchpoints and stage changes
 * (only for connectors that show them, such as a help-desk ticket; empty otherwise).
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
    String connector,
    String email,
    String phone,
    Map<String, Object> attributes,
    boolean transactional,
    String unsubscribeUrl,
    List<Map<String, Object>> recent) {

  /** The field naming the connector; a receiver outside Rapport does not need it. */
  public static final String CONNECTOR = "connector";

  public ActionMessage {
    params = params == null ? Map.of() : params;
    attributes = attributes == null ? Map.of() : attributes;
    recent = recent == null ? List.of() : recent;
  }

  /** An action without recipient details: for tools and tests that only route it. */
  public ActionMessage(long id, String idempotencyKey, String customerId, String channel, String template,
      Map<String, Object> params, String rule, String touchpointId, int attempt, String connector) {
    this(id, idempotencyKey, customerId, channel, template, params, rule, touchpointId, attempt, connector, null,
        null, Map.of(), false, null, List.of());
  }

  /** The JSON a connector gets, which the webhook passes on without {@link #CONNECTOR}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("idempotencyKey", idempotencyKey)
        .put("customerId", customerId)
        .put("channel", channel)
        .put("template", template)
        .put("params", new JsonObject(params))
        .put("rule", rule)
        .put("touchpointId", touchpointId)
        .put("attempt", attempt)
        .put(CONNECTOR, connector)
        .put("email", email)
        .put("phone", phone)
        .put("attributes", new JsonObject(attributes))
        .put("transactional", transactional)
        .put("unsubscribeUrl", unsubscribeUrl);
    if (!recent.isEmpty()) {
      JsonArray r = new JsonArray();
      recent.forEach(m -> r.add(new JsonObject(m)));
      json.put("recent", r);
    }
    return json;
  }

  /** @throws IllegalArgumentException when a required field is missing or of the wrong type */
  public static ActionMessage fromJson(JsonObject json) {
    try {
      JsonObject params = json.getJsonObject("params");
      JsonObject attributes = json.getJsonObject("attributes");
      JsonArray recent = json.getJsonArray("recent");
      ActionMessage a = new ActionMessage(json.getLong("id", 0L), json.getString("idempotencyKey"),
          json.getString("customerId"), json.getString("channel"), json.getString("template"),
          params == null ? Map.of() : params.getMap(), json.getString("rule"), json.getString("touchpointId"),
          json.getInteger("attempt", 1), json.getString(CONNECTOR), json.getString("email"),
          json.getString("phone"), attributes == null ? Map.of() : attributes.getMap(),
          json.getBoolean("transactional", false), json.getString("unsubscribeUrl"),
          recent == null ? List.of() : recent.stream().map(o -> ((JsonObject) o).getMap()).toList());
      if (a.idempotencyKey() == null || a.customerId() == null || a.template() == null) {
        throw new IllegalArgumentException("an action needs idempotencyKey, customerId and template");
      }
      return a;
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("not an action: " + e.getMessage(), e);
    }
  }
}
