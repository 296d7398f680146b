package io.rapport.messages;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;

/**
 * What a connector answers for one action: sent, or failed and whether retrying can help. On the wire:
 * {"outcome": "sent"} or {"outcome": "failed", "retriable": true|false, "error": "...", "retryAfterSeconds": n}; a
 * receiver's Retry-After (in seconds, null when it gave none) is the least wait before the next attempt.
 */
public record DeliveryOutcome(boolean sent, boolean retriable, String error, Long retryAfterSeconds) {
  /** Longest Retry-After honoured, so that a receiver cannot park an action for years. */
  static final long MOST_RETRY_AFTER_SECONDS = Duration.ofDays(1).toSeconds();

  public DeliveryOutcome(boolean sent, boolean retriable, String error) {
    this(sent, retriable, error, null);
  }

  public static DeliveryOutcome delivered() {
    return new DeliveryOutcome(true, false, null);
  }

  public static DeliveryOutcome retriable(String error) {
    return new DeliveryOutcome(false, true, error);
  }

  public static DeliveryOutcome permanent(String error) {
    return new DeliveryOutcome(false, false, error);
  }

  /**
   * The outcome of an HTTP answer: a receiver that refuses the action (4xx but 408, 425 and 429) will refuse it
   * again; anything else that is not a success may pass later.
   */
  public static DeliveryOutcome ofStatus(int status) {
    if (status >= 200 && status < 300) {
      return delivered();
    }
    boolean permanent = status >= 400 && status < 500 && status != 408 && status != 425 && status != 429;
    String error = "HTTP " + status;
    return permanent ? permanent(error) : retriable(error);
  }

  /**
   * The outcome of an HTTP answer with its Retry-After header (seconds or an HTTP date, RFC 9110; null or
   * unreadable is none): a retriable failure waits at least that long.
   */
  public static DeliveryOutcome ofStatus(int status, String retryAfter, Instant now) {
    DeliveryOutcome o = ofStatus(status);
    Long seconds = retryAfterSeconds(retryAfter, now);
    return o.retriable() && seconds != null ? new DeliveryOutcome(false, true, o.error(), seconds) : o;
  }

  /** A Retry-After value in seconds from now, at most a day; null when absent or unreadable. */
  public static Long retryAfterSeconds(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    long seconds;
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        seconds = Long.parseLong(v);
      } catch (NumberFormatException e) {
        seconds = MOST_RETRY_AFTER_SECONDS;
      }
    } else {
      try {
        seconds = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)).toSeconds();
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return Math.max(0, Math.min(seconds, MOST_RETRY_AFTER_SECONDS));
  }

  /**
   * The outcome of a delivery that threw, from its cause chain: trouble on the way (I/O, timeouts) may pass later,
   * an action the connector cannot take (an illegal argument) will not; the unknown is retried.
   */
  public static DeliveryOutcome ofFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof TimeoutException) {
        return retriable(describe(t));
      }
      if (t instanceof IllegalArgumentException) {
        return permanent(describe(t));
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return retriable(failure == null ? "unknown failure" : describe(failure));
  }

  private static String describe(Throwable t) {
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  public JsonObject toJson() {
    return sent
        ? new JsonObject().put("outcome", "sent")
        : withRetryAfter(new JsonObject().put("outcome", "failed").put("retriable", retriable).put("error", error));
  }

  private JsonObject withRetryAfter(JsonObject json) {
    return retryAfterSeconds == null ? json : json.put("retryAfterSeconds", retryAfterSeconds);
  }

  /** Reads a connector's reply; anything but a clear "sent" is a failure, retriable unless it says otherwise. */
  public static DeliveryOutcome fromJson(JsonObject reply) {
    if (reply == null) {
      return retriable("the connector's answer is empty");
    }
    if ("sent".equals(reply.getValue("outcome"))) {
      return delivered();
    }
    Object retriable = reply.getValue("retriable");
    Object error = reply.getValue("error");
    Object after = reply.getValue("retryAfterSeconds");
    return new DeliveryOutcome(false, !(retriable instanceof Boolean b) || b,
        error == null ? "unknown failure" : error.toString(),
        after instanceof Number n ? Math.max(0, Math.min(n.longValue(), MOST_RETRY_AFTER_SECONDS)) : null);
  }
}
