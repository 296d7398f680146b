package io.rapport.connectors.email;

import io.rapport.messages.ActionMessage;
import io.vertx.core.json.JsonObject;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Answers a template preview (on {@code rapport.templates.preview}) with the email the action would make, rendered
 * by the same templates as a send: {"subject", "text", "html"}; or {"failure": 404, "error"} for an unknown template
 * and {"failure": 422, "error"} for one that is unsafe or does not compile, which the engine answers in kind.
 */
public final class TemplatePreview implements Processor {

  private EmailTemplates templates = new EmailTemplates(null);

  /** email.templates-dir, as for {@link EmailComposer}. */
  public void setTemplatesDir(String dir) {
    this.templates = new EmailTemplates(dir == null || dir.isBlank() ? null : java.nio.file.Path.of(dir.trim()));
  }

  @Override
  public void process(Exchange exchange) {
    JsonObject json = exchange.getMessage().getBody(JsonObject.class);
    try {
      RenderedEmail email = templates.render(ActionMessage.fromJson(json));
      exchange.getMessage().setBody(new JsonObject().put("subject", email.subject()).put("text", email.text())
          .put("html", email.html()));
    } catch (TemplateNotFound e) {
      exchange.getMessage().setBody(new JsonObject().put("failure", 404).put("error", e.getMessage()));
    } catch (IllegalArgumentException e) {
      exchange.getMessage().setBody(new JsonObject().put("failure", 422).put("error", e.getMessage()));
    }
  }
}
