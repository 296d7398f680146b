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

  /**
   * The query's backfill parameter: true or false (the default); anything else is refused, and so is any other
   * parameter, since a misspelt backfill would send last year's history out as today's actions.
   */
  static boolean backfill(String query) {
    if (query == null || query.isEmpty()) {
      return false;
    }
    boolean backfill = false;
    for (String pair : query.split("&")) {
      String[] kv = pair.split("=", 2);
      String name = decoded(kv[0]);
      if (name.isEmpty()) {
        continue;
      }
      if (!name.equals("backfill")) {
        throw new RejectedInput(400, "POST /v1/touchpoints takes one query parameter, backfill=true|false, not '"
            + (name.length() > 20 ? name.substring(0, 20) + "..." : name) + "'", null);
      }
      String value = kv.length == 2 ? decoded(kv[1]) : "";
      if (value.equals("true")) {
        backfill = true;
      } else if (!value.equals("false")) {
        throw new RejectedInput(400, "backfill is true or false, not '" + (value.length() > 20
            ? value.substring(0, 20) + "..." : value) + "'", null);
      }
    }
    return backfill;
  }

  private static String decoded(String part) {
    try {
      return java.net.URLDecoder.decode(part, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new RejectedInput(400, "the query is not URL-encoded: " + e.getMessage(), null);
    }
  }
}
