package io.rapport.routes.ingest;

import io.rapport.messages.TouchpointReader;
import io.rapport.messages.ValidTouchpoints;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/** Validates an HTTP body of touchpoints into the batch the engine takes, or refuses it whole. */
public final class HttpIntake implements Processor {
  private int maxItems = 10_000;

  /** Most touchpoints in one request; more is 413. */
  public void setMaxItems(int maxItems) {
    this.maxItems = maxItems;
  }

  @Override
  public void process(Exchange exchange) {
    Message in = exchange.getMessage();
    String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
    byte[] body = in.getBody(byte[].class);
    // Request headers would otherwise travel on and be echoed in the response.
    in.removeHeaders("*");
    in.setBody(new ValidTouchpoints(TouchpointReader.parse(contentType, body, maxItems)));
  }
}
