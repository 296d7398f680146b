package io.rapport.messages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The checks of one canonical touchpoint, field by field: what it must hold, and nothing the store could not hold
 * (amounts beyond money, times beyond the years a store and its timers keep, text with NUL characters or halves of
 * surrogate pairs, the engine's own types and ids).
 */
final class TouchpointChecks {
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final int MAX_ID = 200;
  private static final int MAX_WORD = 64;
  /** Amounts beyond this, in either direction, are not money a touchpoint carries (and would overflow the store). */
  static final BigDecimal MAX_VALUE = new BigDecimal("1000000000000");
  /** Decimal places an amount is kept to, as the store keeps it. */
  static final int VALUE_SCALE = 4;
  /** Event times are within these years: the store, and every timer set from them, can hold them. */
  static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("9000-01-01T00:00:00Z");
  /** The touchpoint type the engine's own timers have: no channel may send it. */
  public static final String ENGINE_TYPE = "timer";
  /** The id prefix of the engine's own touchpoints: no channel may use it, so none can take a timer's id first. */
  public static final String ENGINE_IDS = "rapport:";
  private static final int MAX_PROPERTY_TEXT = 65_536;
  private static final int MAX_DEPTH = 32;

  private TouchpointChecks() {}

  /** One touchpoint, checked field by field; fields outside the canonical ones are left behind. Null if invalid. */
  static CanonicalTouchpoint read(JsonObject t, String where, int position, JsonArray problems) {
    int before = problems.size();
    String id = text(t, "id", MAX_ID, true, where, position, problems);
    if (id != null && id.startsWith(ENGINE_IDS)) {
      problems.add(problem(where, position, "id", "must not begin with '" + ENGINE_IDS + "': those are the engine's own"));
    }
    String customerId = text(t, "customerId", MAX_ID, true, where, position, problems);
    String type = text(t, "type", MAX_WORD, true, where, position, problems);
    if (type != null && !TYPE.matcher(type).matches()) {
      problems.add(problem(where, position, "type", "must be a lowercase word such as purchase or email_open"));
    } else if (ENGINE_TYPE.equals(type)) {
      problems.add(problem(where, position, "type", "'" + ENGINE_TYPE + "' is the engine's own: no channel may send it"));
    }
    Instant occurredAt = null;
    Object at = t.getValue("occurredAt");
    if (at == null) {
      problems.add(problem(where, position, "occurredAt", "is required"));
    } else if (!(at instanceof String s)) {
      problems.add(problem(where, position, "occurredAt", "must be an ISO-8601 string"));
    } else {
      try {
        occurredAt = OccurredAt.parse(s);
        if (occurredAt.isBefore(EARLIEST) || !occurredAt.isBefore(LATEST)) {
          problems.add(problem(where, position, "occurredAt", "must be a time in the years 1900 to 8999"));
          occurredAt = null;
        }
      } catch (DateTimeParseException e) {
        problems.add(problem(where, position, "occurredAt",
            "must be an ISO-8601 time with an offset, such as 2026-11-24T10:15:00Z"));
      }
    }
    String channel = text(t, "channel", MAX_WORD, false, where, position, problems);
    BigDecimal value = null;
    Object v = t.getValue("value");
    if (v != null) {
      if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
        // kept to the store's decimal places, so that what is decided is what is stored
        value = new BigDecimal(n.toString()).setScale(VALUE_SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
        if (value.abs().compareTo(MAX_VALUE) > 0) {
          problems.add(problem(where, position, "value", "must be at most " + MAX_VALUE.toPlainString() + " in size"));
          value = null;
        } else if (value.scale() < 0) {
          value = value.setScale(0);
        }
      } else {
        problems.add(problem(where, position, "value", "must be a number"));
      }
    }
    String currency = text(t, "currency", 3, false, where, position, problems);
    if (currency != null && !CURRENCY.matcher(currency).matches()) {
      problems.add(problem(where, position, "currency", "must be a 3-letter ISO 4217 code such as EUR"));
    }
    Map<String, Object> properties = Map.of();
    Object p = t.getValue("properties");
    if (p != null) {
      if (p instanceof JsonObject o) {
        String wrong = storable(o.getMap(), 0);
        if (wrong != null) {
          problems.add(problem(where, position, "properties", wrong));
        } else {
          properties = plainMap(o.getMap());
        }
      } else {
        problems.add(problem(where, position, "properties", "must be a JSON object"));
      }
    }
    if (problems.size() != before) {
      return null;
    }
    return new CanonicalTouchpoint(id, customerId, type, occurredAt, channel, value, currency, properties);
  }

  /** Nested JSON as plain maps and lists, the types a rule expects to see. */
  private static Map<String, Object> plainMap(Map<String, Object> map) {
    if (map.isEmpty()) {
      return Map.of();
    }
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

  /** Why a property value cannot be stored, or null: text the store refuses, a number JSON cannot write. */
  private static String storable(Object value, int depth) {
    if (depth > MAX_DEPTH) {
      return "nests deeper than " + MAX_DEPTH + " levels";
    }
    if (value instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String wrong = e.getKey() instanceof String k ? unstorable(k) : "has a key that is not text";
        if (wrong == null) {
          wrong = storable(e.getValue(), depth + 1);
        }
        if (wrong != null) {
          return wrong;
        }
      }
    } else if (value instanceof JsonObject o) {
      return storable(o.getMap(), depth);
    } else if (value instanceof List<?> l) {
      for (Object item : l) {
        String wrong = storable(item, depth + 1);
        if (wrong != null) {
          return wrong;
        }
      }
    } else if (value instanceof JsonArray a) {
      return storable(a.getList(), depth);
    } else if (value instanceof String s) {
      return s.length() > MAX_PROPERTY_TEXT ? "holds a text longer than " + MAX_PROPERTY_TEXT + " characters"
          : unstorable(s);
    } else if (value instanceof Double d && !Double.isFinite(d) || value instanceof Float f && !Float.isFinite(f)) {
      return "holds a number too large to write";
    }
    return null;
  }

  /** Why a text cannot be stored (a NUL character, half of a surrogate pair), or null. */
  static String unstorable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        return "holds a NUL character (\\u0000)";
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return "holds half of a surrogate pair, which is not a character";
      }
      if (Character.isLowSurrogate(c)) {
        return "holds half of a surrogate pair, which is not a character";
      }
    }
    return null;
  }

  private static String text(JsonObject t, String field, int max, boolean required, String where, int position,
      JsonArray problems) {
    Object v = t.getValue(field);
    if (v == null) {
      if (required) {
        problems.add(problem(where, position, field, "is required"));
      }
      return null;
    }
    if (!(v instanceof String s)) {
      problems.add(problem(where, position, field, "must be a string"));
      return null;
    }
    if (s.isBlank()) {
      problems.add(problem(where, position, field, "must not be empty"));
      return null;
    }
    if (s.length() > max) {
      problems.add(problem(where, position, field, "is longer than " + max + " characters"));
      return null;
    }
    String wrong = unstorable(s);
    if (wrong != null) {
      problems.add(problem(where, position, field, wrong));
      return null;
    }
    return s;
  }

  static JsonObject problem(String where, int position, String field, String reason) {
    JsonObject p = new JsonObject().put(where, position);
    if (field != null) {
      p.put("field", field);
    }
    return p.put("reason", reason);
  }

}
