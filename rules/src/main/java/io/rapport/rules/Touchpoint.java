package io.rapport.rules;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
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

  public Touchpoint {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(occurredAt, "occurredAt");
    // Not Map.copyOf: JSON properties may hold nulls.
    properties =
        properties == null || properties.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /**
   * The touchpoint a fired timer becomes. Its id is derived from customer, name and due time, so
   * a timer fired twice (a crash between firing and recording) is a duplicate.
   */
  public static Touchpoint timer(String customerId, String name, Instant dueAt, Map<String, Object> payload) {
    Map<String, Object> properties = new LinkedHashMap<>(payload == null ? Map.of() : payload);
    properties.put("name", name);
    return new Touchpoint(
        "timer:" + customerId + ":" + name + ":" + dueAt, customerId, TIMER, dueAt, "timer", null, null, properties);
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
