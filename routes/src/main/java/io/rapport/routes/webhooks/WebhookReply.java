package io.rapport.routes.webhooks;

import io.rapport.messages.IngestResult;
import io.rapport.routes.ChannelMessages;
import io.vertx.core.json.JsonObject;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/** 202 with the engine's {"accepted", "duplicates"} (both 0 for a payload the mapping does not take), counted. */
public final class WebhookReply implements Processor {
  private ChannelMessages messages;

  /** Where the outcomes are counted; none: not counted. */
  public void setMessages(ChannelMessages messages) {
    this.messages = messages;
  }

  @Override
  public void process(Exchange exchange) {
    Message m = exchange.getMessage();
    Object body = m.getBody();
    String channel = exchange.getProperty(WebhookIntake.CHANNEL, String.class);
    IngestResult result = IngestResult.NONE;
    if (body instanceof JsonObject reply) {
      result = IngestResult.fromJson(reply);
      if (messages != null) {
        messages.counted(channel, reply);
      }
    }
    m.removeHeaders("*");
    m.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
    m.setHeader(Exchange.CONTENT_TYPE, "application/json");
    m.setBody(result.toJson().encode());
  }
}
