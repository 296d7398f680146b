package io.rapport.routes.ingest;

import io.rapport.messages.IngestFailure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Whether the engine refused a batch only for now (saturated, store down, no answer in time): the broker routes then
 * hand the same batch again, holding the message meanwhile, since a retry is always safe.
 */
public final class EngineRefusal implements Predicate {
  @Override
  public boolean matches(Exchange exchange) {
    Throwable cause = exchange.getException();
    return retriable(cause != null ? cause : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
  }

  /** True for a refusal a later try may get past. */
  public static boolean retriable(Throwable cause) {
    if (cause instanceof ReplyException e) {
      return e.failureType() != ReplyFailure.RECIPIENT_FAILURE || IngestFailure.ofCode(e.failureCode()).retriable();
    }
    return false;
  }
}
