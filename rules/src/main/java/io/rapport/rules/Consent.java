package io.rapport.rules;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A customer's consent per channel, kept in the customer's attributes as {@code <channel>Consent} (emailConsent,
 * smsConsent...): false after an {@code unsubscribe} touchpoint for that channel, true again after a {@code
 * subscribe}. No attribute means no objection. The engine keeps it up to date itself (rules may read it, and react),
 * and holds back marketing actions to a channel the customer left when they are sent.
 */
public final class Consent {
  /** The touchpoint type that withdraws consent for {@code properties.channel} (default email). */
  public static final String UNSUBSCRIBE = "unsubscribe";
  /** The touchpoint type that gives consent for {@code properties.channel} (default email) again. */
  public static final String SUBSCRIBE = "subscribe";
  /** The channel an unsubscribe or subscribe without {@code properties.channel} is about. */
  public static final String DEFAULT_CHANNEL = "email";
  /** A channel named in a touchpoint: a short lower-case word, as action channels are named. */
  private static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  private Consent() {}

  /** The attribute holding the consent for {@code channel}. */
  public static String attribute(String channel) {
    return channel + "Consent";
  }

  /** The attribute holding when the consent for {@code channel} last changed (event time, ISO-8601). */
  static String changedAt(String channel) {
    return channel + "ConsentAt";
  }

  /** Whether the customer with these attributes has withdrawn consent for {@code channel}. */
  public static boolean optedOut(Map<String, ?> attributes, String channel) {
    Object v = attributes.get(attribute(channel));
    return Boolean.FALSE.equals(v) || "false".equals(v);
  }

  /**
   * The channel an unsubscribe or subscribe touchpoint is about: {@code properties.channel}, else email; null when
   * that names no channel (it is then only activity).
   */
  static String channelOf(Touchpoint t) {
    Object named = t.properties().get("channel");
    if (named == null) {
      return DEFAULT_CHANNEL;
    }
    String channel = named.toString();
    return CHANNEL.matcher(channel).matches() ? channel : null;
  }
}
