package io.rapport.routes.ingest;

import io.rapport.messages.RejectedInput;
import io.rapport.messages.TouchpointReader;
import io.rapport.messages.ValidTouchpoints;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Validates an HTTP body of touchpoints into the batch the engine takes, or refuses it whole. {@code ?backfill=true}
 * marks the batch as history being imported: its actions are recorded and never sent.
 */
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
    boolean backfill = backfill(in.getHeader(Exchange.HTTP_QUERY, String.class));
    // Request headers would otherwise travel on and be echoed in the response.
    in.removeHeaders("*");
    in.setBody(new ValidTouchpoints(TouchpointReader.parse(contentType, body, maxItems), backfill));
  }

  /** The query's backfill parameter: true or false (the default); anything else is refused. */
  static boolean backfill(String query) {
    if (query == null || query.isEmpty()) {
      return false;
    }
    boolean backfill = false;
    for (String pair : query.split("&")) {
      String[] kv = pair.split("=", 2);
      if (!kv[0].equals("backfill")) {
        continue;
      }
      String value = kv.length == 2 ? kv[1] : "";
      if (value.equals("true")) {
        backfill = true;
      } else if (!value.equals("false")) {
        throw new RejectedInput(400, "backfill is true or false, not '" + (value.length() > 20
            ? value.substring(0, 20) + "..." : value) + "'", null);
      }
    }
    return backfill;
  }
}
