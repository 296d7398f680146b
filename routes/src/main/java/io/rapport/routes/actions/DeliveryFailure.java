package io.rapport.routes.actions;

import io.rapport.messages.DeliveryOutcome;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;

/** Any failure while delivering becomes an outcome the outbox relay understands, saying whether to retry. */
public final class DeliveryFailure implements Processor {
  @Override
  public void process(Exchange exchange) {
    Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    DeliveryOutcome outcome = cause instanceof DirectConsumerNotAvailableException
        ? DeliveryOutcome.permanent("no connector named '" + exchange.getMessage().getHeader(ConnectorChoice.HEADER) + "'")
        : DeliveryOutcome.ofFailure(cause);
    exchange.getMessage().setBody(outcome.toJson());
  }
}
