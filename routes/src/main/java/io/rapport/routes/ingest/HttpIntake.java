package io.rapport.routes.ingest;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/** Validates an HTTP body of touchpoints into the batch the engine takes. */
public final class HttpIntake implements Processor {
  private final int maxItems;

  public HttpIntake(int maxItems) {
    this.maxItems = maxItems;
  }

  @Override
  public void process(Exchange exchange) {
    Message in = exchange.getMessage();
    String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
    byte[] body = in.getBody(byte[].class);
    // Request headers would otherwise travel on and be echoed in the response.
    in.removeHeaders("*");
    in.setBody(new ValidTouchpoints(TouchpointBatch.parse(contentType, body, maxItems)));
  }
}
