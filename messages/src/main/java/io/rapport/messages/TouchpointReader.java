package io.rapport.messages;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads canonical touchpoints (one JSON object, an array, or NDJSON) and checks every field, or rejects the input
 * whole with the index (or line), field and reason of every problem: every channel validates with this one reader.
 */
public final class TouchpointReader {
  public static final String JSON = "application/json";
  public static final String NDJSON = "application/x-ndjson";
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final int MAX_ID = 200;
  private static final int MAX_WORD = 64;

  private TouchpointReader() {}

  /**
   * @throws RejectedInput 415 for another content type, 413 for too many items, 400 for anything invalid
   */
  public static List<CanonicalTouchpoint> parse(String contentType, String body, int maxItems) {
    return parse(contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8), maxItems);
  }

  /**
   * The same from the body's UTF-8 bytes, as HTTP delivers it: no text copy of the whole body.
   *
   * @throws RejectedInput 415 for another content type, 413 for too many items, 400 for anything invalid
   */
  public static List<CanonicalTouchpoint> parse(String contentType, byte[] body, int maxItems) {
    String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (type.equals(NDJSON)) {
      return ndjson(body, maxItems);
    }
    if (!type.equals(JSON)) {
      throw new RejectedInput(415, "send touchpoints as " + JSON + " or " + NDJSON, new JsonArray());
    }
    if (body == null || blank(body, 0, body.length)) {
      throw new RejectedInput(400, "the body is empty: send a touchpoint, an array or NDJSON", new JsonArray());
    }
    Object value;
    try {
      value = decode(body, 0, body.length);
    } catch (DecodeException e) {
      throw new RejectedInput(400, "the body is not valid JSON: " + firstLine(e.getMessage()), new JsonArray());
    }
    if (value instanceof JsonObject o) {
      return items(new JsonArray().add(o), maxItems);
    }
    if (value instanceof JsonArray a) {
      return items(a, maxItems);
    }
    throw new RejectedInput(400, "the body must be a touchpoint object or an array of them", new JsonArray());
  }

  /**
   * A JSON array of canonical touchpoints, as a route that did not validate them puts it on the event bus.
   *
   * @throws RejectedInput 413 for too many items, 400 for anything invalid
   */
  public static List<CanonicalTouchpoint> items(JsonArray items, int maxItems) {
    if (items.isEmpty()) {
      throw new RejectedInput(400, "the batch is empty", new JsonArray());
    }
    tooMany(items.size(), maxItems);
    List<CanonicalTouchpoint> out = new ArrayList<>(items.size());
    JsonArray problems = new JsonArray();
    for (int i = 0; i < items.size(); i++) {
      Object item = items.getValue(i);
      if (item instanceof JsonObject o) {
        out.add(read(o, "index", i, problems));
      } else {
        problems.add(problem("index", i, null, "each item must be a JSON object"));
      }
    }
    return checked(out, problems);
  }

  private static List<CanonicalTouchpoint> ndjson(byte[] body, int maxItems) {
    List<CanonicalTouchpoint> out = new ArrayList<>();
    JsonArray problems = new JsonArray();
    int items = 0;
    int n = 0;
    int end = body == null ? 0 : body.length;
    // Lines are cut on the bytes: '\n' never occurs inside a UTF-8 sequence.
    for (int start = 0; start <= end; ) {
      int nl = start;
      while (nl < end && body[nl] != '\n') {
        nl++;
      }
      n++;
      int from = start;
      int to = nl;
      start = nl + 1;
      while (from < to && isSpace(body[from])) {
        from++;
      }
      while (to > from && isSpace(body[to - 1])) {
        to--;
      }
      if (from == to) {
        continue;
      }
      tooMany(++items, maxItems);
      try {
        Object value = decode(body, from, to);
        if (value instanceof JsonObject o) {
          out.add(read(o, "line", n, problems));
        } else {
          problems.add(problem("line", n, null, "each line must be a JSON object"));
        }
      } catch (DecodeException e) {
        problems.add(problem("line", n, null, "not valid JSON: " + firstLine(e.getMessage())));
      }
    }
    if (items == 0) {
      throw new RejectedInput(400, "the body has no touchpoints", new JsonArray());
    }
    return checked(out, problems);
  }

  /** The JSON value in {@code body[from, to)}, read in place. */
  private static Object decode(byte[] body, int from, int to) {
    return Json.decodeValue(Buffer.buffer(Unpooled.wrappedBuffer(body, from, to - from)));
  }

  private static boolean blank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isSpace(b[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\f' || b == 0x0B;
  }

  /**
   * One NDJSON line of a history file, for tools that stream large files.
   *
   * @throws RejectedInput 400 naming the line, field and reason
   */
  public static CanonicalTouchpoint line(String text, int lineNumber) {
    JsonArray problems = new JsonArray();
    try {
      Object value = Json.decodeValue(text);
      if (value instanceof JsonObject o) {
        CanonicalTouchpoint out = read(o, "line", lineNumber, problems);
        if (out != null) {
          return out;
        }
      } else {
        problems.add(problem("line", lineNumber, null, "each line must be a JSON object"));
      }
    } catch (DecodeException e) {
      problems.add(problem("line", lineNumber, null, "not valid JSON: " + firstLine(e.getMessage())));
    }
    throw new RejectedInput(400, "invalid touchpoint", problems);
  }

  /**
   * One canonical touchpoint given as a JSON object.
   *
   * @throws RejectedInput 400 naming each field and reason
   */
  public static CanonicalTouchpoint one(JsonObject touchpoint) {
    JsonArray problems = new JsonArray();
    CanonicalTouchpoint out = read(touchpoint, "index", 0, problems);
    if (out == null) {
      throw new RejectedInput(400, "invalid touchpoint", problems);
    }
    return out;
  }

  private static void tooMany(int count, int maxItems) {
    if (count > maxItems) {
      throw new RejectedInput(413, "too many touchpoints in one batch: at most " + maxItems, new JsonArray());
    }
  }

  private static List<CanonicalTouchpoint> checked(List<CanonicalTouchpoint> out, JsonArray problems) {
    if (!problems.isEmpty()) {
      throw new RejectedInput(400, "invalid touchpoints", problems);
    }
    return out;
  }

  /** One touchpoint, checked field by field; fields outside the canonical ones are left behind. Null if invalid. */
  static CanonicalTouchpoint read(JsonObject t, String where, int position, JsonArray problems) {
    int before = problems.size();
    String id = text(t, "id", MAX_ID, true, where, position, problems);
    String customerId = text(t, "customerId", MAX_ID, true, where, position, problems);
    String type = text(t, "type", MAX_WORD, true, where, position, problems);
    if (type != null && !TYPE.matcher(type).matches()) {
      problems.add(problem(where, position, "type", "must be a lowercase word such as purchase or email_open"));
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
        value = new BigDecimal(n.toString());
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
        properties = plainMap(o.getMap());
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
    return s;
  }

  private static JsonObject problem(String where, int position, String field, String reason) {
    JsonObject p = new JsonObject().put(where, position);
    if (field != null) {
      p.put("field", field);
    }
    return p.put("reason", reason);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
