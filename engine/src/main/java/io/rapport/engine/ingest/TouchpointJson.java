package io.rapport.engine.ingest;

import io.rapport.rules.Touchpoint;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** Reads a canonical touchpoint (already validated by the ingest route) into the rules' fact. */
public final class TouchpointJson {
  private TouchpointJson() {}

  public static Touchpoint read(JsonObject json) {
    Object value = json.getValue("value");
    JsonObject properties = json.getJsonObject("properties");
    return new Touchpoint(
        json.getString("id"),
        json.getString("customerId"),
        json.getString("type"),
        Instant.parse(json.getString("occurredAt")),
        json.getString("channel"),
        value == null ? null : new BigDecimal(value.toString()),
        json.getString("currency"),
        properties == null ? Map.of() : plain(properties));
  }

  /** Nested JSON as plain maps and lists, the types a rule expects to see. */
  private static Map<String, Object> plain(JsonObject o) {
    return o.isEmpty() ? Map.of() : new JsonObject(o.encode()).getMap();
  }
}
