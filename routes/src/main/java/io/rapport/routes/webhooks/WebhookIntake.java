package io.rapport.routes.webhooks;

import io.netty.buffer.Unpooled;
import io.rapport.messages.RejectedInput;
import io.rapport.messages.TouchpointReader;
import io.rapport.messages.ValidTouchpoints;
import io.rapport.routes.mappings.Mapping;
import io.rapport.routes.mappings.Mappings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * A signed webhook's body as the touchpoints the engine takes: through the source's JSONata mapping when it has one,
 * else read as canonical touchpoints. Every id is namespaced by its source ({@code shopify:ID}), so two sources' ids
 * never collide and a provider's redelivery is a duplicate. A mapping that returns nothing leaves no body: the
 * payload is not one Rapport takes (another event type), answered 202 so that the provider does not retry it.
 */
public final class WebhookIntake implements Processor {
  /** The exchange property naming the channel, for the reply and the errors: webhook:SOURCE. */
  public static final String CHANNEL = "RapportChannel";
  private Mappings mappings = Mappings.in("");
  private int maxItems = 10_000;

  /** The folder of the integrator's mappings; empty: the shipped ones only. */
  public void setMappingsDir(String dir) {
    this.mappings = Mappings.in(dir);
  }

  /** Most touchpoints one request may give; more is 413. */
  public void setMaxItems(int maxItems) {
    this.maxItems = maxItems;
  }

  @Override
  public void process(Exchange exchange) {
    Message m = exchange.getMessage();
    String source = m.getHeader(WebhookSignature.SOURCE, String.class);
    exchange.setProperty(CHANNEL, channel(source));
    String contentType = m.getHeader(Exchange.CONTENT_TYPE, String.class);
    Map<String, Object> headers = headers(m);
    byte[] body = m.getBody(byte[].class);
    // request headers would otherwise travel on and be echoed in the response
    m.removeHeaders("*");
    Optional<Mapping> mapping;
    try {
      mapping = mappings.find(source);
    } catch (IllegalArgumentException e) {
      throw new RejectedInput(400, e.getMessage(), new JsonArray());
    }
    Object payload = json(contentType, body);
    List<JsonObject> items;
    if (mapping.isPresent()) {
      items = mapping.get().apply(plain(payload), Map.of("source", source, "headers", headers));
      if (items.isEmpty()) {
        m.setBody(null);
        return;
      }
    } else {
      items = payload instanceof JsonArray a ? objects(a) : List.of((JsonObject) payload);
    }
    JsonArray namespaced = new JsonArray();
    for (JsonObject item : items) {
      if (item.getValue("id") instanceof String id && !id.isBlank()) {
        item = item.copy().put("id", source + ":" + id);
      }
      namespaced.add(item);
    }
    m.setBody(new ValidTouchpoints(TouchpointReader.items(namespaced, maxItems)));
  }

  /** The channel a source's messages are counted under. */
  public static String channel(String source) {
    return "webhook:" + source;
  }

  private static Object json(String contentType, byte[] body) {
    String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!type.equals(TouchpointReader.JSON)) {
      throw new RejectedInput(415, "send webhooks as " + TouchpointReader.JSON, new JsonArray());
    }
    Object value;
    try {
      value = body == null || body.length == 0 ? null : Json.decodeValue(Buffer.buffer(Unpooled.wrappedBuffer(body)));
    } catch (DecodeException e) {
      throw new RejectedInput(400, "the body is not valid JSON", new JsonArray());
    }
    if (!(value instanceof JsonObject) && !(value instanceof JsonArray)) {
      throw new RejectedInput(400, "the body must be a JSON object or array", new JsonArray());
    }
    return value;
  }

  private static List<JsonObject> objects(JsonArray array) {
    if (array.stream().allMatch(JsonObject.class::isInstance)) {
      return array.stream().map(JsonObject.class::cast).toList();
    }
    throw new RejectedInput(400, "each item must be a touchpoint object", new JsonArray());
  }

  /** The payload as the plain maps and lists JSONata reads. */
  private static Object plain(Object json) {
    return json instanceof JsonObject o ? o.getMap() : ((JsonArray) json).getList();
  }

  /** The request's headers, names in lower case, for mappings that read the event type or id from a header. */
  private static Map<String, Object> headers(Message m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.getHeaders().forEach((name, value) -> {
      if (value instanceof String s && !name.startsWith("Camel")) {
        out.put(name.toLowerCase(Locale.ROOT), s);
      }
    });
    return out;
  }
}
