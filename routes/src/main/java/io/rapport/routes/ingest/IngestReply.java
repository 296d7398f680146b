package io.rapport.routes.ingest;

import io.rapport.messages.IngestResult;
import io.vertx.core.json.JsonObject;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/** 202 with the engine's {"accepted", "duplicates"}: sent only after the commit. */
public final class IngestReply implements Processor {
  @Override
  public void process(Exchange exchange) {
    Message m = exchange.getMessage();
    JsonObject reply = m.getBody(JsonObject.class);
    m.removeHeaders("*");
    m.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
    m.setHeader(Exchange.CONTENT_TYPE, "application/json");
    m.setBody((reply == null ? IngestResult.NONE : IngestResult.fromJson(reply)).toJson().encode());
  }
}
