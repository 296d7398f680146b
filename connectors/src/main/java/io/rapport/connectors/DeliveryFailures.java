package io.rapport.connectors;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Decides whether a failed delivery is worth retrying, from an HTTP status or the cause chain:
 * a receiver that refuses the action (4xx but 408, 425, 429) will refuse it again; anything that
 * looks like trouble on the way (5xx, timeouts, I/O) may pass later; the unknown is retried.
 */
public final class DeliveryFailures {
  private DeliveryFailures() {}

  public static DeliveryOutcome ofStatus(int status) {
    if (status >= 200 && status < 300) {
      return DeliveryOutcome.delivered();
    }
    boolean permanent = status >= 400 && status < 500 && status != 408 && status != 425 && status != 429;
    String error = "HTTP " + status;
    return permanent ? DeliveryOutcome.permanent(error) : DeliveryOutcome.retriable(error);
  }

  public static DeliveryOutcome of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof TimeoutException) {
        return DeliveryOutcome.retriable(describe(t));
      }
      if (t instanceof IllegalArgumentException) {
        return DeliveryOutcome.permanent(describe(t));
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return DeliveryOutcome.retriable(describe(failure));
  }

  private static String describe(Throwable t) {
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
