package io.rapport.connectors.email;

import io.rapport.messages.ActionMessage;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Turns an action into the email the SMTP endpoint after it sends: the customer's address, the sender, the template's
 * subject, HTML body and plain-text alternative, and the List-Unsubscribe headers (RFC 2369 and RFC 8058 one-click)
 * when the action carries an unsubscribe link. Every other header is dropped first, so nothing of Rapport's own
 * (the connector's name, the event bus's headers) reaches a mail header. An action it cannot turn into an email (no
 * address, no such template) throws IllegalArgumentException: a failure for good, listed with its reason.
 */
public final class EmailComposer implements Processor {
  /** The header camel-mail sends as the plain-text alternative of the HTML body. */
  public static final String ALTERNATIVE_BODY = "CamelMailAlternativeBody";
  /** The action's idempotency key, for a receiving system that files emails by it. */
  public static final String ACTION_KEY_HEADER = "X-Rapport-Action";

  private EmailTemplates templates = new EmailTemplates(null);
  private String from;
  private String unsubscribeMailto = "";
  private long queueTimeoutMillis = Long.MAX_VALUE;

  /** email.templates-dir: templates laid over the shipped ones; empty for the shipped ones only. */
  public void setTemplatesDir(String dir) {
    this.templates = new EmailTemplates(dir == null || dir.isBlank() ? null : Path.of(dir.trim()));
  }

  public void setFrom(String from) {
    this.from = from;
  }

  /** An address to list as a mailto: unsubscribe beside the link; empty for none. */
  public void setUnsubscribeMailto(String address) {
    this.unsubscribeMailto = address == null ? "" : address.trim();
  }

  /**
   * webhook.timeout-ms: an action that waited longer than this for a sending thread is not sent. The relay stops
   * waiting for its answer soon after and sends it again; sending this copy too would mail the customer twice, as SMTP
   * has no idempotency key.
   */
  public void setQueueTimeoutMillis(long millis) {
    this.queueTimeoutMillis = millis;
  }

  @Override
  public void process(Exchange exchange) throws TimeoutException {
    long waited = System.currentTimeMillis() - exchange.getClock().getCreated();
    if (waited > queueTimeoutMillis) {
      throw new TimeoutException("waited " + waited + " ms for a sending thread, past webhook.timeout-ms: not sent, "
          + "the relay sends it again");
    }
    Message message = exchange.getMessage();
    JsonObject json = message.getBody(JsonObject.class);
    if (json == null) {
      throw new IllegalArgumentException("the action is not JSON");
    }
    ActionMessage action = ActionMessage.fromJson(json);
    if (action.email() == null || action.email().isBlank()) {
      throw new IllegalArgumentException("customer " + action.customerId() + " has no email attribute");
    }
    if (action.email().contains(",") || action.email().contains("\n") || action.email().contains("\r")) {
      throw new IllegalArgumentException("customer " + action.customerId() + " has an email attribute that is not one"
          + " address");
    }
    RenderedEmail email = templates.render(action);
    message.removeHeaders("*");
    message.setHeader("To", action.email().trim());
    message.setHeader("From", from);
    message.setHeader("Subject", email.subject());
    message.setHeader(ACTION_KEY_HEADER, action.idempotencyKey());
    if (action.unsubscribeUrl() != null) {
      String list = "<" + action.unsubscribeUrl() + ">";
      if (!unsubscribeMailto.isEmpty()) {
        list += ", <mailto:" + unsubscribeMailto + "?subject=unsubscribe%20" + shortHash(action.customerId()) + ">";
      }
      message.setHeader("List-Unsubscribe", list);
      message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }
    message.setHeader(ALTERNATIVE_BODY, email.text());
    message.setBody(email.html());
  }

  /** Names the customer in a mailto: unsubscribe without giving their id away. */
  private static String shortHash(String customerId) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(customerId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
