package io.rapport.engine;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Touchpoints as a test sends them, timed from the clock of the server under test: a test then means the same on
 * whatever day it runs, and a timer it does not wait for (the review request a week after a first purchase) is not
 * already due when the touchpoint arrives.
 */
final class Touchpoints {
  /** How long before the server's "now" a test's story begins: room for a day of touchpoints after it. */
  static final Duration LEAD = Duration.ofDays(2);

  private final Instant start;

  /** A story that begins {@link #LEAD} before the server's clock reads now. */
  Touchpoints(Clock serverClock) {
    this.start = serverClock.instant().minus(LEAD).truncatedTo(ChronoUnit.SECONDS);
  }

  /** When the story begins. */
  Instant start() {
    return start;
  }

  /** {@code after} the story began (negative for before it), as the ISO-8601 text a client sends. */
  String at(Duration after) {
    return start.plus(after).toString();
  }

  /** A touchpoint in the canonical JSON, {@code after} the story began. */
  String of(String id, String customer, String type, Duration after, Double value) {
    return Api.touchpoint(id, customer, type, at(after), value);
  }

  /** A purchase on the web, when the story begins. */
  String purchase(String id, String customer, double value) {
    return of(id, customer, "purchase", Duration.ZERO, value);
  }

  /** The same touchpoint as a JSON object, to add fields to. */
  JsonObject json(String id, String customer, String type, Duration after) {
    return new JsonObject(of(id, customer, type, after, null));
  }
}
