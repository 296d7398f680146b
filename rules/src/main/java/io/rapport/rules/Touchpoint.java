package io.rapport.rules;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Something a customer did, as the rules see it: a purchase, an email opened, a ticket.
 *
 * <p>{@code occurredAt} is event time; a rule's "now" is the occurredAt of the touchpoint it
 * decides. {@code value} is a money amount (purchases, refunds), null when there is none.
 */
public record Touchpoint(
    String id,
    String customerId,
    String type,
    Instant occurredAt,
    String channel,
    BigDecimal value,
    String currency,
    Map<String, Object> properties) {

  /** The type of the touchpoint a fired timer becomes; its name is in properties["name"]. */
  public static final String TIMER = "timer";
  /** The id prefix of the engine's own touchpoints, which the channels refuse. */
  public static final String ENGINE_IDS = "rapport:";

  public Touchpoint {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(occurredAt, "occurredAt");
    properties = properties == null || properties.isEmpty() ? Map.of() : Touchpoint.<String>frozenMap(properties);
  }

  /**
   * A read-only copy all the way down: rules see properties, they never change them. Not
   * Map.copyOf/List.copyOf: JSON properties may hold nulls.
   */
  private static <K> Map<K, Object> frozenMap(Map<K, ?> map) {
    Map<K, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(k, frozen(v)));
    return Collections.unmodifiableMap(copy);
  }

  private static Object frozen(Object value) {
    if (value instanceof Map<?, ?> m) {
      return frozenMap(m);
    }
    if (value instanceof Collection<?> c) {
      List<Object> copy = new ArrayList<>(c.size());
      c.forEach(v -> copy.add(frozen(v)));
      return Collections.unmodifiableList(copy);
    }
    if (value instanceof Object[] array) {
      return frozen(Arrays.asList(array));
    }
    return value;
  }

  /**
   * The touchpoint a fired timer becomes. Its id is derived from customer, name and due time, so
   * a timer fired twice (a crash between firing and recording) is a duplicate.
   */
  public static Touchpoint timer(String customerId, String name, Instant dueAt, Map<String, Object> payload) {
    Map<String, Object> properties = new LinkedHashMap<>(payload == null ? Map.of() : payload);
    properties.put("name", name);
    return new Touchpoint(timerId(customerId, name, dueAt), customerId, TIMER, dueAt, "timer", null, null, properties);
  }

  /**
   * A fired timer's id: in the engine's own namespace ({@value #ENGINE_IDS}, which no channel may use, so nobody can
   * take a timer's id first), and of bounded length whatever the customer's id (which it holds as a digest).
   */
  static String timerId(String customerId, String name, Instant dueAt) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(customerId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String customer = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
      return ENGINE_IDS + "timer:" + name + ":" + dueAt + ":" + customer;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  // JavaBean accessors: classic DRL constraints such as `type == "purchase"` resolve getters.
  public String getId() {
    return id;
  }

  public String getCustomerId() {
    return customerId;
  }

  public String getType() {
    return type;
  }

  public Instant getOccurredAt() {
    return occurredAt;
  }

  public String getChannel() {
    return channel;
  }

  public BigDecimal getValue() {
    return value;
  }

  public String getCurrency() {
    return currency;
  }

  public Map<String, Object> getProperties() {
    return properties;
  }

  /** A property as a number, or null when absent or not numeric: {@code number("score") >= 9}. */
  public Number number(String name) {
    Object v = properties.get(name);
    if (v instanceof Number n) {
      return n;
    }
    if (v instanceof String s) {
      try {
        return new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** Whole days from {@code then} to this touchpoint; a very large number when then is null. */
  public long daysSince(Instant then) {
    return then == null ? Long.MAX_VALUE / 2 : java.time.temporal.ChronoUnit.DAYS.between(then, occurredAt);
  }

  /** The NPS score of an nps_response (properties.score, 0-10), or null: {@code score <= 6}. */
  public Integer getScore() {
    Number n = number("score");
    return n == null ? null : n.intValue();
  }

  /** The rating of a review (properties.rating, 1-5), or null. */
  public Integer getRating() {
    Number n = number("rating");
    return n == null ? null : n.intValue();
  }

  /** A property as text, or null when absent. */
  public String text(String name) {
    Object v = properties.get(name);
    return v == null ? null : v.toString();
  }
}
