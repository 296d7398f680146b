package io.rapport.engine.store;

import java.util.Map;

/**
 * What the guardrails know of a customer an action is about to reach: the attributes (consent per channel, time zone)
 * and the marketing actions sent to them within the frequency window.
 */
public record Recipient(Map<String, Object> attributes, int marketingSent) {
  /** A customer the store does not hold (erased, or never stored): no attributes, nothing sent. */
  public static final Recipient UNKNOWN = new Recipient(Map.of(), 0);
}
