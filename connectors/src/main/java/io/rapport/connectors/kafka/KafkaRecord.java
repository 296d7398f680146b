package io.rapport.connectors.kafka;

import io.rapport.messages.ActionMessage;
import io.vertx.core.json.JsonObject;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The Kafka record of an action: the action JSON (without the connector's name) as its value, keyed by customer id so
 * that one customer's actions stay in order on one partition, and its idempotency key as a record header for
 * consumers that drop repeats.
 */
public final class KafkaRecord implements Processor {
  /** camel-kafka's header for the record key. */
  static final String KEY = "kafka.KEY";

  @Override
  public void process(Exchange exchange) {
    Message message = exchange.getMessage();
    JsonObject json = message.getBody(JsonObject.class);
    if (json == null) {
      throw new IllegalArgumentException("the action is not JSON");
    }
    ActionMessage action = ActionMessage.fromJson(json);
    JsonObject value = json.copy();
    value.remove(ActionMessage.CONNECTOR);
    message.removeHeaders("*");
    message.setHeader(KEY, action.customerId());
    message.setHeader("idempotencyKey", action.idempotencyKey());
    message.setBody(value.encode());
  }
}
