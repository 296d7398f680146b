package io.rapport.rules;

import java.util.Map;

/**
 * What a rule's consequence can do, through the {@code journey} global: move a customer to a
 * stage, send an action. Every call is recorded with the rule that made it and the touchpoint
 * being decided.
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
}
