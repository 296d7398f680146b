package io.rapport.routes.ingest;

import io.rapport.messages.RejectedInput;
import io.rapport.messages.TouchpointReader;
import io.rapport.messages.ValidTouchpoints;
import io.vertx.core.json.JsonObject;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * One broker message (RabbitMQ, MQTT) whose body is a canonical touchpoint, or a JSON array of them: validated whole
 * into the engine's batch, or refused with a {@link RejectedInput} that the route turns into a dead letter.
 */
public final class BrokerMessage {
  /** Exchange property: the message's bytes as they came. */
  public static final String ORIGINAL = "RapportOriginalBody";
  private int maxItems = 10_000;

  /** Most touchpoints in one message. */
  public void setMaxItems(int maxItems) {
    this.maxItems = maxItems;
  }

  /** Replaces the body with the validated touchpoints, keeping the original bytes for a dead letter. */
  public void read(Exchange exchange) {
    Message m = exchange.getMessage();
    byte[] body = m.getBody(byte[].class);
    exchange.setProperty(ORIGINAL, body);
    if (body == null || body.length == 0) {
      throw new RejectedInput(400, "the message is empty", null);
    }
    m.setBody(new ValidTouchpoints(TouchpointReader.parse(TouchpointReader.JSON, body, maxItems)));
  }

  /** Puts the refused message back as the body, with its reason in {@link DeadLetter#REASON_HEADER}. */
  public void deadLetter(Exchange exchange) {
    Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    Message m = exchange.getMessage();
    m.setHeader(DeadLetter.REASON_HEADER, cause instanceof RejectedInput r ? reason(r) : String.valueOf(cause));
    byte[] original = exchange.getProperty(ORIGINAL, byte[].class);
    m.setBody(original == null ? new byte[0] : original);
  }

  /** The reason a dead letter carries: the error and each problem found, as compact JSON. */
  static String reason(RejectedInput e) {
    JsonObject json = e.toJson();
    return json.getJsonArray("details").isEmpty() ? e.getMessage() : json.encode();
  }
}
