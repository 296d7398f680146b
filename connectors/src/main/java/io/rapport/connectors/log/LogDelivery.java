package io.rapport.connectors.log;

import io.rapport.connectors.DeliveryOutcome;
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
    JsonObject a = exchange.getMessage().getBody(JsonObject.class);
    if (a == null) {
      exchange.getMessage().setBody(DeliveryOutcome.permanent("the action is not JSON").toJson());
      return;
    }
    LOG.info("action {} via {} to customer {} (rule \"{}\", key {})", a.getString("template"), a.getString("channel"),
        a.getString("customerId"), a.getString("rule"), a.getString("idempotencyKey"));
    exchange.getMessage().setBody(DeliveryOutcome.delivered().toJson());
  }
}
