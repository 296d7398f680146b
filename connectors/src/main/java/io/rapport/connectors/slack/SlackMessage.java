package io.rapport.connectors.slack;

import io.rapport.connectors.http.JsonPost;
import io.rapport.messages.ActionMessage;
import io.vertx.core.json.JsonObject;

/**
 * A Slack incoming-webhook message for an action (an escalation to a team channel): who, what, why and how urgent, in
 * one line of Slack text. Values from customers are escaped as Slack asks (&amp;, &lt;, &gt;), so a customer's name
 * cannot turn into a link or a mention.
 */
public final class SlackMessage extends JsonPost {
  @Override
  protected JsonObject body(ActionMessage a) {
    Object priority = a.params().getOrDefault("priority", "normal");
    String text = "*" + escape(a.template()) + "* (" + escape(String.valueOf(priority)) + ") for customer "
        + escape(a.customerId()) + (a.email() == null ? "" : " " + escape(a.email())) + ", because: "
        + escape(a.rule());
    return new JsonObject().put("text", text);
  }

  static String escape(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
