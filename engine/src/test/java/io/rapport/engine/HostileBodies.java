package io.rapport.engine;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Request bodies an attacker or a broken client sends: valid touchpoints mutated one way or several, hostile values
 * (the store's limits, text it refuses, deep nesting, the engine's own types and ids), truncated and corrupted JSON,
 * random bytes. Seeded: a failing body can be made again.
 */
final class HostileBodies {
  /** One request: its body, the Content-Type it is sent with, and the ids it carries (to check what was stored). */
  record Body(byte[] bytes, String contentType, java.util.List<String> ids) {
    Body {
      // an id as the server reads it from the UTF-8 bytes: half of a surrogate pair becomes '?' on the way
      ids = ids.stream().map(id -> new String(id.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).toList();
    }
  }

  private static final String[] TYPES = {"application/json", "application/x-ndjson", "application/json; charset=utf-8",
      "text/plain", "application/x-www-form-urlencoded", "", "application/json;;;", "APPLICATION/JSON"};
  private static final Object[] HOSTILE_VALUES = {
      1e16, -1e16, 1e308, Double.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, "", " ", "a\u0000b", "\ud800", "\udc00x",
      "x".repeat(300), "x".repeat(70_000), "+999999999-12-31T23:59:59Z", "0000-01-01T00:00:00Z",
      "-5000-01-01T00:00:00Z", "+99999-01-01T00:00:00Z", "2026-13-45T99:99:99Z", "timer", "rapport:timer:x",
      "Purchase!", "' OR 1=1 --", "${jndi:ldap://x}", "{{rapport.admin.key}}", "<script>", "\\u0000", true, false,
      new JsonObject(), new JsonArray(), new JsonArray().add(1), 0, -1, 1.0000001, "EUR", "eur", "€€€"};
  private static final String[] FIELDS =
      {"id", "customerId", "type", "occurredAt", "channel", "value", "currency", "properties", "extra"};

  private final SplittableRandom random;
  private final String run;
  private final Instant at;
  private long next;

  HostileBodies(long seed, String run, Instant at) {
    this.random = new SplittableRandom(seed);
    this.run = run;
    this.at = at;
  }

  Body next() {
    int kind = random.nextInt(100);
    if (kind < 8) {
      return valid(); // some get through: rejected neighbours must not take them along
    }
    if (kind < 40) {
      return batch(mutated(), mutated(), "application/json");
    }
    if (kind < 55) {
      JsonObject t = mutated();
      return new Body(t.encode().getBytes(StandardCharsets.UTF_8), TYPES[random.nextInt(TYPES.length)],
          java.util.List.of(String.valueOf(t.getValue("id"))));
    }
    if (kind < 65) {
      return ndjson();
    }
    if (kind < 75) {
      return corrupted();
    }
    if (kind < 85) {
      return deep();
    }
    if (kind < 92) {
      byte[] noise = new byte[random.nextInt(1, 2000)];
      random.nextBytes(noise);
      return new Body(noise, TYPES[random.nextInt(TYPES.length)], java.util.List.of());
    }
    return withValidNeighbour();
  }

  private JsonObject touchpoint() {
    long n = next++;
    return new JsonObject().put("id", run + "-" + n).put("customerId", run + "-c" + random.nextInt(50))
        .put("type", random.nextBoolean() ? "purchase" : "web_visit").put("occurredAt", at.plusSeconds(n).toString())
        .put("channel", "web").put("value", 10 + random.nextInt(100)).put("currency", "EUR")
        .put("properties", new JsonObject().put("page", "/p/" + n));
  }

  private Body valid() {
    JsonObject t = touchpoint();
    return new Body(t.encode().getBytes(StandardCharsets.UTF_8), "application/json",
        java.util.List.of(t.getString("id")));
  }

  private JsonObject mutated() {
    JsonObject t = touchpoint();
    int mutations = 1 + random.nextInt(3);
    for (int i = 0; i < mutations; i++) {
      String field = FIELDS[random.nextInt(FIELDS.length)];
      switch (random.nextInt(4)) {
        case 0 -> t.remove(field);
        case 1 -> t.putNull(field);
        case 2 -> t.put(field, HOSTILE_VALUES[random.nextInt(HOSTILE_VALUES.length)]);
        default -> t.put("properties", new JsonObject().put(random.nextBoolean() ? "k\u0000" : "text",
            HOSTILE_VALUES[random.nextInt(HOSTILE_VALUES.length)]));
      }
    }
    if (!t.containsKey("id")) {
      t.put("id", run + "-m" + next++); // so that what was stored can be looked for
    }
    return t;
  }

  private Body batch(JsonObject a, JsonObject b, String type) {
    JsonArray items = new JsonArray().add(a).add(b);
    return new Body(items.encode().getBytes(StandardCharsets.UTF_8), type,
        java.util.List.of(String.valueOf(a.getValue("id")), String.valueOf(b.getValue("id"))));
  }

  /** A good touchpoint beside a bad one: the batch is rejected whole, so the good one must not be stored either. */
  private Body withValidNeighbour() {
    JsonObject good = touchpoint();
    JsonObject bad = touchpoint().put("occurredAt", HOSTILE_VALUES[random.nextInt(13, 20)]);
    return batch(good, bad, "application/json");
  }

  private Body ndjson() {
    StringBuilder b = new StringBuilder();
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 1 + random.nextInt(5); i++) {
      JsonObject t = random.nextInt(3) == 0 ? mutated() : touchpoint();
      ids.add(String.valueOf(t.getValue("id")));
      b.append(random.nextInt(10) == 0 ? "{\"broken\":" : t.encode()).append(random.nextBoolean() ? "\n" : "\r\n");
    }
    return new Body(b.toString().getBytes(StandardCharsets.UTF_8), "application/x-ndjson", ids);
  }

  private Body corrupted() {
    JsonObject t = touchpoint();
    byte[] bytes = new JsonArray().add(t).encode().getBytes(StandardCharsets.UTF_8);
    switch (random.nextInt(3)) {
      case 0 -> bytes = java.util.Arrays.copyOf(bytes, random.nextInt(1, bytes.length)); // truncated
      case 1 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256); // one byte flipped
      default -> { // a byte sequence that is no UTF-8
        bytes[random.nextInt(bytes.length)] = (byte) 0xC3;
        bytes[random.nextInt(bytes.length)] = (byte) 0xFF;
      }
    }
    // a changed byte may have changed the id itself: what it stands for is not known
    return new Body(bytes, "application/json", java.util.List.of());
  }

  private Body deep() {
    int depth = random.nextBoolean() ? 40 + random.nextInt(100) : 2000 + random.nextInt(3000);
    String nested = "[".repeat(depth) + "1" + "]".repeat(depth);
    JsonObject t = touchpoint();
    String json = t.encode();
    String body = random.nextBoolean()
        ? json.substring(0, json.length() - 1) + ",\"properties\":{\"n\":" + nested + "}}"
        : nested;
    return new Body(body.getBytes(StandardCharsets.UTF_8), "application/json", java.util.List.of(t.getString("id")));
  }
}
