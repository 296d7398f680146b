package io.rapport.routes.mappings;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import io.rapport.messages.RejectedInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One JSONata mapping: a foreign payload in, canonical touchpoints out (an object, an array of them, or nothing when
 * the payload is not one the mapping takes).
 */
public final class Mapping {
  /** A mapping that runs longer than this, or nests deeper, is stopped: the payload is refused, the server goes on. */
  private static final long MOST_MILLIS = 1000;
  private static final int MOST_DEPTH = 200;
  private final String name;
  private final Jsonata expression;

  Mapping(String name, String text) {
    this.name = name;
    try {
      this.expression = Jsonata.jsonata(text);
    } catch (JException e) {
      throw new IllegalArgumentException("mapping " + name + " is not valid JSONata: " + e.getMessage(), e);
    }
  }

  /** The file the mapping came from, as error messages name it. */
  public String name() {
    return name;
  }

  /**
   * The touchpoints the payload maps to, each still to be validated; empty when the mapping returns nothing.
   *
   * @param input the payload as plain maps, lists, strings, numbers and booleans
   * @param variables bound as {@code $name} in the expression
   * @throws RejectedInput 400 when the mapping fails on this payload or returns something other than objects
   */
  public List<JsonObject> apply(Object input, Map<String, Object> variables) {
    Object out;
    try {
      // one evaluation at a time per expression: the library keeps state in the compiled expression
      synchronized (expression) {
        Jsonata.Frame frame = expression.createFrame();
        variables.forEach(frame::bind);
        frame.setRuntimeBounds(MOST_MILLIS, MOST_DEPTH);
        out = expression.evaluate(input, frame);
      }
    } catch (RuntimeException e) {
      throw new RejectedInput(400, "the mapping " + name + " failed on this payload: " + e.getMessage(),
          new JsonArray());
    }
    List<JsonObject> touchpoints = new ArrayList<>();
    if (out == null || out == Jsonata.NULL_VALUE) {
      return touchpoints;
    }
    for (Object item : out instanceof List<?> l ? l : List.of(out)) {
      if (!(item instanceof Map<?, ?> m)) {
        throw new RejectedInput(400, "the mapping " + name + " must give touchpoint objects, and gave " + item,
            new JsonArray());
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      touchpoints.add(new JsonObject(map));
    }
    return touchpoints;
  }

  @Override
  public String toString() {
    return "Mapping[" + name + "]";
  }
}
