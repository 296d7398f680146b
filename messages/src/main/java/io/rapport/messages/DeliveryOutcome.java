package io.rapport.messages;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * What a connector answers for one action: sent, or failed and whether retrying can help. On the wire:
 * {"outcome": "sent"} or {"outcome": "failed", "retriable": true|false, "error": "..."}.
 */
public record DeliveryOutcome(boolean sent, boolean retriable, String error) {

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
        : new JsonObject().put("outcome", "failed").put("retriable", retriable).put("error", error);
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
    return new DeliveryOutcome(false, !(retriable instanceof Boolean b) || b,
        error == null ? "unknown failure" : error.toString());
  }
}
