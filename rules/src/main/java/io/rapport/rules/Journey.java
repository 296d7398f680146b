package io.rapport.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What a rule's consequence can do, through the {@code journey} global: move a customer to a
 * stage, send an action, schedule a follow-up, remember something about the customer. Every
 * call is recorded with the rule that made it and the touchpoint being decided.
 */
public interface Journey {

  /** Moves the customer to {@code stage} (a no-op when already there), giving a reason. */
  void moveTo(Customer customer, String stage, String reason);

  /** Asks for an action on a channel ("email", "webhook", "support"...) with a template. */
  default void send(Customer customer, String channel, String template) {
    send(customer, channel, template, Map.of());
  }

  /** Asks for an action carrying parameters the connector passes on (discount, priority...). */
  void send(Customer customer, String channel, String template, Map<String, ?> params);

  /**
   * Schedules the timer {@code name} for this customer, {@code delay} after the touchpoint being
   * decided; it replaces a pending timer of the same name. When it falls due, the rules see a
   * touchpoint of type {@code timer} with {@code properties["name"]} set to the name.
   */
  default void after(Customer customer, Duration delay, String name) {
    after(customer, delay, name, Map.of());
  }

  /** {@link #after} in whole days, so rules need no imports. */
  default void afterDays(Customer customer, long days, String name) {
    after(customer, Duration.ofDays(days), name);
  }

  /** {@link #after} in whole hours. */
  default void afterHours(Customer customer, long hours, String name) {
    after(customer, Duration.ofHours(hours), name);
  }

  /** Schedules a timer carrying a payload, found in the timer touchpoint's properties. */
  void after(Customer customer, Duration delay, String name, Map<String, ?> payload);

  /**
   * Schedules the timer {@code name} for this customer at {@code when}, or at once (at the touchpoint's time) when
   * that has passed: {@code journey.at($c, journey.daysAfter($c.getLastPurchaseAt(), 365), "inactive-365")}.
   */
  void at(Customer customer, Instant when, String name);

  /** The instant {@code days} whole days after {@code from}: {@code journey.daysAfter($c.getLastPurchaseAt(), 365)}. */
  default Instant daysAfter(Instant from, long days) {
    if (from == null) {
      throw new IllegalArgumentException("daysAfter needs a time to count from, not null");
    }
    return from.plus(Duration.ofDays(days));
  }

  /** Cancels the pending timer {@code name} of this customer, if any. */
  void cancel(Customer customer, String name);

  /** Sets an attribute of the customer (null removes it); other rules see the change at once. */
  void set(Customer customer, String attribute, Object value);

  /** The days a discount code is valid when the rule does not say. */
  int DEFAULT_CODE_DAYS = 30;

  /**
   * A new discount code for this customer and percentage off, valid for 30 days from the touchpoint being decided:
   * random, so nobody can guess it, and stored with the action that carries it ({@code journey.with("discountCode",
   * code)}). A purchase carrying it in {@code properties.discountCode} redeems it, once.
   */
  default String discountCode(Customer customer, int percent) {
    return discountCode(customer, percent, DEFAULT_CODE_DAYS);
  }

  /** {@link #discountCode(Customer, int)}, valid for {@code validDays} days. */
  String discountCode(Customer customer, int percent, int validDays);

  /** Parameters for {@link #send}: {@code journey.with("percent", 10, "code", code)}. */
  default Map<String, Object> with(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("with() takes key, value pairs");
    }
    Map<String, Object> params = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      params.put(String.valueOf(keysAndValues[i]), keysAndValues[i + 1]);
    }
    return params;
  }

  /** The event time of the touchpoint being decided: a rule's "now". */
  Instant now();

  /** Whole days from {@code then} to now (event time); a very large number when then is null. */
  long daysSince(Instant then);
}
