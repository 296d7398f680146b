package io.rapport.routes.webhooks;

import io.rapport.routes.ingest.HttpIngestErrors;
import io.rapport.routes.ChannelMessages;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A failed webhook answered as HTTP ingestion answers (4xx with the reasons, 503 with Retry-After), and a payload
 * refused as invalid (400, 413, 415) counted as rejected: the answer is the webhook's dead letter, and the provider
 * shows it in its delivery log. Unknown sources and bad signatures are not counted: anyone can send those.
 */
public final class WebhookErrors implements Processor {
  private final HttpIngestErrors answer = new HttpIngestErrors();
  private ChannelMessages messages;

  /** Where rejections are counted; none: not counted. */
  public void setMessages(ChannelMessages messages) {
    this.messages = messages;
  }

  @Override
  public void process(Exchange exchange) throws Exception {
    answer.process(exchange);
    Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    String channel = exchange.getProperty(WebhookIntake.CHANNEL, String.class);
    if (messages != null && channel != null && status != null && (status == 400 || status == 413 || status == 415)) {
      messages.rejected(channel);
    }
  }
}
