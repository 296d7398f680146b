package io.rapport.messages;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads canonical touchpoints (one JSON object, an array, or NDJSON) and checks every field, or rejects the input
 * whole with the index (or line), field and reason of every problem: every channel validates with this one reader.
 */
public final class TouchpointReader {
  public static final String JSON = "application/json";
  public static final String NDJSON = "application/x-ndjson";
  /** The touchpoint type the engine's own timers have: no channel may send it. */
  public static final String ENGINE_TYPE = TouchpointChecks.ENGINE_TYPE;
  /** The id prefix of the engine's own touchpoints: no channel may use it, so none can take a timer's id first. */
  public static final String ENGINE_IDS = TouchpointChecks.ENGINE_IDS;

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
        out.add(TouchpointChecks.read(o, "index", i, problems));
      } else {
        problems.add(TouchpointChecks.problem("index", i, null, "each item must be a JSON object"));
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
          out.add(TouchpointChecks.read(o, "line", n, problems));
        } else {
          problems.add(TouchpointChecks.problem("line", n, null, "each line must be a JSON object"));
        }
      } catch (DecodeException e) {
        problems.add(TouchpointChecks.problem("line", n, null, "not valid JSON: " + firstLine(e.getMessage())));
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
        CanonicalTouchpoint out = TouchpointChecks.read(o, "line", lineNumber, problems);
        if (out != null) {
          return out;
        }
      } else {
        problems.add(TouchpointChecks.problem("line", lineNumber, null, "each line must be a JSON object"));
      }
    } catch (DecodeException e) {
      problems.add(TouchpointChecks.problem("line", lineNumber, null, "not valid JSON: " + firstLine(e.getMessage())));
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
    CanonicalTouchpoint out = TouchpointChecks.read(touchpoint, "index", 0, problems);
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

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
