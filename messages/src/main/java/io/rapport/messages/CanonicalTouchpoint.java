package io.rapport.messages;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A touchpoint as every channel hands it in, once {@link TouchpointReader} has validated it: the id (the
 * idempotency key), the customer, the type, the event time, and the optional channel, amount and free-form
 * properties (plain maps, lists, strings, numbers, booleans and nulls).
 */
public record CanonicalTouchpoint(
    String id,
    String customerId,
    String type,
    Instant occurredAt,
    String channel,
    BigDecimal value,
    String currency,
    Map<String, Object> properties) {

  public CanonicalTouchpoint {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(occurredAt, "occurredAt");
    // Not Map.copyOf: JSON properties may hold nulls.
    properties = properties == null || properties.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /** The canonical JSON, as a channel sends it; optional fields that are absent are left out. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("customerId", customerId)
        .put("type", type)
        .put("occurredAt", occurredAt.toString());
    if (channel != null) {
      json.put("channel", channel);
    }
    if (value != null) {
      json.put("value", value);
    }
    if (currency != null) {
      json.put("currency", currency);
    }
    if (!properties.isEmpty()) {
      json.put("properties", new JsonObject(properties));
    }
    return json;
  }
}
