package io.rapport.connectors.log;

import io.rapport.messages.ActionMessage;
import io.rapport.messages.DeliveryOutcome;
import io.vertx.core.json.JsonObject;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The log connector: one line per action on the "rapport.actions" logger; always sent. */
public final class LogDelivery implements Processor {
  private static final Logger LOG = LoggerFactory.getLogger("rapport.actions");

  @Override
  public void process(Exchange exchange) {
    JsonObject json = exchange.getMessage().getBody(JsonObject.class);
    ActionMessage a;
    try {
      a = json == null ? null : ActionMessage.fromJson(json);
    } catch (IllegalArgumentException e) {
      a = null;
    }
    if (a == null) {
      exchange.getMessage().setBody(DeliveryOutcome.permanent("the action is not an action message").toJson());
      return;
    }
    LOG.info("action {} via {} to customer {} (rule \"{}\", key {})", a.template(), a.channel(), a.customerId(),
        a.rule(), a.idempotencyKey());
    exchange.getMessage().setBody(DeliveryOutcome.delivered().toJson());
  }
}
