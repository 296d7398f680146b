package io.rapport.connectors.http;

import io.rapport.messages.DeliveryOutcome;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Reads the answer of Camel's http component (called with throwExceptionOnFailure=false) as a delivery outcome: 2xx
 * sent, a refusal failed for good, anything else retried, no sooner than the answer's Retry-After.
 */
public final class HttpAnswer implements Processor {
  @Override
  public void process(Exchange exchange) {
    Message message = exchange.getMessage();
    Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    DeliveryOutcome outcome = status == null
        ? DeliveryOutcome.retriable("no HTTP status in the answer")
        : DeliveryOutcome.ofStatus(status, message.getHeader("Retry-After", String.class), Instant.now());
    message.removeHeaders("*");
    message.setBody(outcome.toJson());
  }
}
