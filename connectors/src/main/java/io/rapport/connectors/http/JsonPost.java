package io.rapport.connectors.http;

import io.rapport.messages.ActionMessage;
import io.vertx.core.json.JsonObject;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Prepares a JSON POST for Camel's http component from an action: the body a subclass makes, Content-Type, the
 * Idempotency-Key, and the receiver's URL in the CamelHttpUri header, so that a URL carrying a token (a Slack
 * webhook, a gateway key) is never part of an endpoint URI, a log line or an error. Every other header is dropped
 * first: nothing of Rapport's own becomes an HTTP header.
 */
public abstract class JsonPost implements Processor {
  private String url;

  public void setUrl(String url) {
    this.url = url == null || url.isBlank() ? null : url.trim();
  }

  /** The request body for this action; IllegalArgumentException when the action cannot be sent this way. */
  protected abstract JsonObject body(ActionMessage action);

  @Override
  public final void process(Exchange exchange) {
    Message message = exchange.getMessage();
    JsonObject json = message.getBody(JsonObject.class);
    if (json == null) {
      throw new IllegalArgumentException("the action is not JSON");
    }
    if (url == null) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": the connector's URL is not configured");
    }
    ActionMessage action = ActionMessage.fromJson(json);
    JsonObject body = body(action);
    message.removeHeaders("*");
    message.setHeader(Exchange.HTTP_URI, url);
    message.setHeader(Exchange.HTTP_METHOD, "POST");
    message.setHeader(Exchange.CONTENT_TYPE, "application/json");
    message.setHeader("Idempotency-Key", action.idempotencyKey());
    message.setBody(body.encode());
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + (url == null ? "not configured" : "configured") + "]";
  }
}
