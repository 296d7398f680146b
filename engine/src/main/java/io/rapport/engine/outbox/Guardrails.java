package io.rapport.engine.outbox;

import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.Recipient;
import io.rapport.rules.Consent;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;

/**
 * The guardrails an action passes as it is about to be sent, in this order: not stale (decided on an event older than
 * guard.max-age, or its template's own), then, for marketing actions only (transactional ones are exempt), the
 * customer's consent for the channel, quiet hours in the customer's time zone (the action waits for their end), and
 * the frequency cap. Pure: the relay gives it the action, what the store knows of the customer and the time.
 */
public final class Guardrails {
  /** Why an action was held back or put off, as recorded on it and counted. */
  public static final String STALE = "stale";
  public static final String CONSENT = "consent";
  public static final String FREQUENCY = "frequency";
  public static final String QUIET_HOURS = "quiet-hours";
  /** The customer attribute naming their time zone (an IANA name, Europe/Berlin). */
  public static final String TIMEZONE = "timezone";

  /**
   * The guardrails' settings: at most {@code frequencyMax} marketing actions per customer per {@code frequencyWindow}
   * (0: no cap); quiet hours from {@code quietStart} to {@code quietEnd} (across midnight when the start is later)
   * in the customer's time zone, else {@code quietZone}; actions decided more than {@code maxAge} ago (or their
   * template's age in {@code maxAgeByTemplate}) are stale.
   */
  public record Options(
      int frequencyMax,
      Duration frequencyWindow,
      boolean quietEnabled,
      LocalTime quietStart,
      LocalTime quietEnd,
      ZoneId quietZone,
      Duration maxAge,
      Map<String, Duration> maxAgeByTemplate) {
    public Options {
      maxAgeByTemplate = Map.copyOf(maxAgeByTemplate);
    }
  }

  /** What becomes of an action about to be sent. */
  public sealed interface Verdict permits Send, Suppress, Defer {}

  /** It goes. */
  public record Send() implements Verdict {}

  /** It is recorded as suppressed for {@code reason}, and never sent. */
  public record Suppress(String reason) implements Verdict {}

  /** It waits until {@code until}, then passes the guardrails again. */
  public record Defer(Instant until, String reason) implements Verdict {}

  private static final Send SEND = new Send();

  private final Options options;

  public Guardrails(Options options) {
    this.options = options;
  }

  /** Since when sent actions count against the frequency cap, at {@code now}; null when there is no cap. */
  public Instant frequencySince(Instant now) {
    return options.frequencyMax() > 0 ? now.minus(options.frequencyWindow()) : null;
  }

  /**
   * The verdict on {@code action} at {@code now}, for a customer of whom the store knows {@code recipient}; {@code
   * alsoUnderWay} more marketing actions to them are on their way and not yet recorded as sent.
   */
  public Verdict judge(OutboxAction action, Recipient recipient, int alsoUnderWay, Instant now) {
    Duration maxAge = options.maxAgeByTemplate().getOrDefault(action.template(), options.maxAge());
    if (action.eventAt() != null && action.eventAt().plus(maxAge).isBefore(now)) {
      return new Suppress(STALE);
    }
    if (action.transactional()) {
      return SEND;
    }
    if (Consent.optedOut(recipient.attributes(), action.channel())) {
      return new Suppress(CONSENT);
    }
    if (options.quietEnabled()) {
      Instant end = quietHoursEnd(now, zoneOf(recipient));
      if (end != null) {
        return new Defer(end, QUIET_HOURS);
      }
    }
    if (options.frequencyMax() > 0 && recipient.marketingSent() + alsoUnderWay >= options.frequencyMax()) {
      return new Suppress(FREQUENCY);
    }
    return SEND;
  }

  /** The customer's time zone, or the configured one when they have none (or one that is no time zone). */
  ZoneId zoneOf(Recipient recipient) {
    Object zone = recipient.attributes().get(TIMEZONE);
    if (zone instanceof String name && !name.isBlank()) {
      try {
        return ZoneId.of(name);
      } catch (DateTimeException e) {
        // an unknown zone is the customer's data, not a reason to stop sending: the default applies
      }
    }
    return options.quietZone();
  }

  /**
   * When the quiet hours that {@code now} falls in end, in {@code zone}; null when it falls in none. Local times are
   * turned into instants by the zone's rules of that day, so a change to or from daylight saving time moves the end
   * with the clocks on the wall (an end inside the hour skipped in spring is taken as the first instant after it).
   */
  Instant quietHoursEnd(Instant now, ZoneId zone) {
    LocalTime start = options.quietStart();
    LocalTime end = options.quietEnd();
    if (start.equals(end)) {
      return null;
    }
    ZonedDateTime local = now.atZone(zone);
    LocalTime time = local.toLocalTime();
    LocalDate endDay;
    if (start.isBefore(end)) { // within one day: 13:00-15:00
      if (time.isBefore(start) || !time.isBefore(end)) {
        return null;
      }
      endDay = local.toLocalDate();
    } else if (!time.isBefore(start)) { // across midnight, evening part: ends tomorrow
      endDay = local.toLocalDate().plusDays(1);
    } else if (time.isBefore(end)) { // across midnight, morning part: ends today
      endDay = local.toLocalDate();
    } else {
      return null;
    }
    return ZonedDateTime.of(endDay, end, zone).toInstant();
  }
}
