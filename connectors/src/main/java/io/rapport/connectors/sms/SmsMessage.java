package io.rapport.connectors.sms;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.reflect.MapObjectHandler;
import io.rapport.connectors.http.JsonPost;
import io.rapport.messages.ActionMessage;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request to an SMS gateway: {"to": the customer's phone, "text": sms.body filled in, "idempotencyKey"}. The body
 * template is Mustache over template, params.* and attributes.* (plain text, looked up in maps only) written with
 * [[ ]] delimiters, since {{ }} are the configuration's own placeholders. An action for a customer without a phone
 * attribute fails for good.
 */
public final class SmsMessage extends JsonPost {
  private static final int LONGEST = 1600;
  private Mustache body = compile("[[template]]");

  /** sms.body. */
  public void setBody(String template) {
    this.body = compile(template);
  }

  @Override
  protected JsonObject body(ActionMessage a) {
    if (a.phone() == null || a.phone().isBlank()) {
      throw new IllegalArgumentException("customer " + a.customerId() + " has no phone attribute");
    }
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("template", a.template());
    scope.put("params", a.params());
    scope.put("attributes", a.attributes());
    StringWriter out = new StringWriter();
    body.execute(out, scope);
    String text = out.toString().strip();
    return new JsonObject().put("to", a.phone().trim()).put("text", text.length() > LONGEST ? text.substring(0, LONGEST)
        : text).put("idempotencyKey", a.idempotencyKey());
  }

  private static Mustache compile(String template) {
    DefaultMustacheFactory f = new DefaultMustacheFactory(resource -> null) {
      @Override
      public void encode(String value, Writer writer) {
        try {
          writer.write(value); // plain text: nothing to escape
        } catch (IOException e) {
          throw new MustacheException("cannot write", e);
        }
      }
    };
    f.setObjectHandler(new MapObjectHandler());
    return f.compile(new StringReader(template), "sms.body", "[[", "]]");
  }
}
