package io.rapport.engine.ingest;

import io.rapport.rules.Touchpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
        json.getInstant("occurredAt"), // an Instant from the routes, ISO-8601 text from elsewhere
        json.getString("channel"),
        value == null ? null : new BigDecimal(value.toString()),
        json.getString("currency"),
        properties == null ? Map.of() : plain(properties));
  }

  /** Nested JSON as plain maps and lists, the types a rule expects to see. */
  private static Map<String, Object> plain(JsonObject o) {
    return o.isEmpty() ? Map.of() : plainMap(o.getMap());
  }

  private static Map<String, Object> plainMap(Map<String, Object> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, plainValue(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object plainValue(Object v) {
    if (v instanceof JsonObject o) {
      return plainMap(o.getMap());
    }
    if (v instanceof Map<?, ?> m) {
      return plainMap((Map<String, Object>) m);
    }
    if (v instanceof JsonArray a) {
      return plainList(a.getList());
    }
    if (v instanceof List<?> l) {
      return plainList(l);
    }
    return v;
  }

  private static List<Object> plainList(List<?> list) {
    List<Object> out = new ArrayList<>(list.size());
    list.forEach(v -> out.add(plainValue(v)));
    return out;
  }
}
